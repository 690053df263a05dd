/**
 * Screenshots of every page of the web UI (1280×800, plus the stack page on a narrow screen) into
 * docs/images/, taken from a real fleet: the built controller, three real agents on the dockerd test hosts,
 * stacks deployed onto them. Run after a build, on a machine with the test hosts up:
 *
 *   pnpm exec tsc -b && pnpm exec tsx e2e/screenshots.ts
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Fleet } from './test/support/fleet';
import { httpd, jsonLdStack } from './test/support/stacks';
import { workspaceRoot } from './test/support/testHosts';
import { createUserToken, launchBrowser, logIn } from './test/web/browser';

const OUT = join(workspaceRoot(), 'docs/images');

async function shot(page: Page, name: string): Promise<void> {
  // Let bars and fades finish.
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: false });
  process.stdout.write(`docs/images/${name}.png\n`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const fleet = await Fleet.start({
    hosts: [
      { datacenter: 'eu-west', labels: { disk: 'ssd' } },
      { datacenter: 'eu-west', labels: { disk: 'hdd' } },
      { datacenter: 'us-east', labels: { disk: 'ssd', gpu: 'none' } },
    ],
  });
  const browser = await launchBrowser();
  try {
    const shop = jsonLdStack(
      'shop',
      [
        { name: 'frontend', image: 'nginx:alpine', command: httpd(80), ports: [{ containerPort: 80, hostPort: 8081 }], dependsOn: ['api'] },
        { name: 'api', command: httpd(8080), ports: [{ containerPort: 8080, hostPort: 8082 }], dependsOn: ['cache'] },
        { name: 'cache' },
        { name: 'worker', dependsOn: ['api'] },
      ],
      { placementStrategy: 'spread', description: 'web shop: frontend, api, cache and a worker' },
    );
    await fleet.api.deploy(shop);
    await fleet.api.deploy(jsonLdStack('reports', [{ name: 'render', locatedInHost: 'd1' }, { name: 'mailer', image: 'does-not-exist:1', locatedInHost: 'd3' }], { description: 'a stack with a broken image' }));
    await fleet.api.waitForStatus('stack:shop', 'running', 90_000);
    await fleet.api.waitForStatus('stack:reports', ['error', 'degraded'], 90_000);

    const token = await createUserToken(fleet.api, 'screenshots');
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${fleet.url}/`);
    await page.getByLabel('API token').waitFor({ timeout: 60_000 });
    await shot(page, 'web-login');
    await logIn(page, fleet.url, token);

    await page.locator('tr[data-stack="stack:shop"]').waitFor();
    await shot(page, 'web-stacks');

    await page.goto(`${fleet.url}/#/deploy`);
    const draft = jsonLdStack('analytics', [{ name: 'collector' }, { name: 'store', locatedInHost: 'd2' }, { name: 'dashboard', dependsOn: ['store'] }], { placementStrategy: 'auto' });
    await page.getByLabel('Stack definition').fill(JSON.stringify(draft, null, 2));
    await page.getByRole('button', { name: 'Plan' }).click();
    await page.locator('#plan-result table').waitFor();
    await page.locator('#plan-result').scrollIntoViewIfNeeded();
    await shot(page, 'web-deploy-plan');

    const invalid = jsonLdStack('broken', [{ name: 'web', ports: [{ containerPort: 80, hostPort: 70000 }] }, { name: 'web', dependsOn: ['db'] }]);
    await page.getByLabel('Stack definition').fill(JSON.stringify(invalid, null, 2));
    await page.getByRole('button', { name: 'Plan' }).click();
    await page.locator('.problems').waitFor();
    await page.locator('.problems').scrollIntoViewIfNeeded();
    await shot(page, 'web-deploy-validation');

    await page.goto(`${fleet.url}/#/stacks/${encodeURIComponent('stack:shop')}`);
    await page.locator('.container-card[data-status="running"]').nth(3).waitFor();
    await shot(page, 'web-stack');

    await page.goto(`${fleet.url}/#/stacks/${encodeURIComponent('stack:reports')}`);
    await page.locator('.container-card[data-status="failed"]').waitFor();
    await shot(page, 'web-stack-failed');

    await page.goto(`${fleet.url}/#/hosts`);
    await page.locator('svg.topology .topo-container').first().waitFor();
    await page.waitForTimeout(1000);
    await shot(page, 'web-hosts');
    await page.locator('svg.topology').scrollIntoViewIfNeeded();
    await shot(page, 'web-topology');

    await page.goto(`${fleet.url}/#/tasks`);
    await page.locator('.tasks-table').waitFor();
    await shot(page, 'web-tasks');

    // Delete in progress: containers leaving host by host.
    await page.goto(`${fleet.url}/#/stacks/${encodeURIComponent('stack:shop')}`);
    await page.locator('.container-card[data-status="running"]').nth(3).waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').waitFor();
    await shot(page, 'web-stack-delete-confirm');
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText(/has been deleted/).waitFor({ timeout: 60_000 });
    await shot(page, 'web-stack-deleted');

    const narrow = await (await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 })).newPage();
    await logIn(narrow, fleet.url, token);
    await narrow.goto(`${fleet.url}/#/stacks/${encodeURIComponent('stack:reports')}`);
    await narrow.locator('.container-card[data-status="failed"]').waitFor();
    await shot(narrow, 'web-narrow-stack');
  } finally {
    await browser.close();
    await fleet.api.removeAndWait('stack:shop').catch(() => undefined);
    await fleet.api.removeAndWait('stack:reports').catch(() => undefined);
    await fleet.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
