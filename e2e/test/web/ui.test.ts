/// <reference lib="dom" />
/**
 * The web UI in headless Chromium against a real fleet: the built controller serving the UI, three real
 * agents on the dockerd test hosts. Everything goes through the pages as a user would (login form, Deploy
 * page, buttons, confirmation dialog); Docker itself is asked what really runs.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Fleet } from '../support/fleet';
import { jsonLdStack } from '../support/stacks';
import { collectPageErrors, createUserToken, launchBrowser, logIn } from './browser';

jest.setTimeout(180_000);

let fleet: Fleet;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let token: string;
let pageErrors: string[];

const SPREAD = 'web-ui-spread';
const BROKEN = 'web-ui-broken';
/** Container → host of the SPREAD stack, as Docker reports it once deployed. */
let usedHosts: Record<string, string> = {};

beforeAll(async () => {
  fleet = await Fleet.start();
  token = await createUserToken(fleet.api, 'web-ui-test');
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  pageErrors = collectPageErrors(page);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  for (const name of [SPREAD, BROKEN]) await fleet?.api.removeAndWait(`stack:${name}`).catch(() => undefined);
  await fleet?.close();
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

/** Marks the document so a test can prove the page was never reloaded. */
async function markDocument(): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { graphiumMark: number }).graphiumMark = 42;
  });
}

async function stillSameDocument(): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { graphiumMark?: number }).graphiumMark === 42);
}

async function typeDefinition(definition: object | string): Promise<void> {
  await page.goto(`${fleet.url}/#/deploy`);
  await page.getByLabel('Stack definition').fill(typeof definition === 'string' ? definition : JSON.stringify(definition, null, 2));
}

it('refuses a bad token, then logs in with a user token kept in sessionStorage only', async () => {
  await page.goto(`${fleet.url}/`);
  await page.getByLabel('API token').fill('gru_not-a-token');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText('This token is not valid.').waitFor();

  await logIn(page, fleet.url, token);
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await page.getByRole('heading', { name: 'Stacks' }).waitFor();
  await page.getByText('No stacks yet.').waitFor();
  const storage = await page.evaluate(() => ({ session: sessionStorage.getItem('graphium.token'), local: localStorage.length }));
  expect(storage).toEqual({ session: token, local: 0 });
});

it('shows validation errors beside the line of the field their path names', async () => {
  const bad = jsonLdStack('web-ui-invalid', [{ name: 'web', locatedInHost: 'd1', ports: [{ containerPort: 80, hostPort: 70000 }] }]);
  await typeDefinition(bad);
  await page.getByRole('button', { name: 'Plan' }).click();
  const error = page.locator('.problems .field-error[data-path="hasPart[0].ports[0].hostPort"]');
  await error.waitFor();
  expect(await error.textContent()).toMatch(/70000/);
  // The annotation follows the source line that holds the field.
  const lineBefore = page.locator('.annotated li.has-error').filter({ hasText: '"hostPort": 70000' });
  await lineBefore.waitFor();
  expect(await page.locator('#plan-result table').count()).toBe(0);
});

it('plans (placement, score terms, filtered hosts) and deploys onto the real hosts; the stack page reaches running live', async () => {
  const definition = jsonLdStack(
    SPREAD,
    [{ name: 'alpha', locatedInHost: 'd1' }, { name: 'beta' }, { name: 'gamma', locatedInHost: 'd3' }],
    { placementStrategy: 'auto' },
  );
  await typeDefinition(definition);
  await page.getByRole('button', { name: 'Plan' }).click();
  const table = page.locator('#plan-result table.placement-table');
  await table.waitFor();
  const rows = table.locator('tbody tr');
  expect(await rows.count()).toBe(3);
  const planned = await rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')));
  const hostOf = Object.fromEntries(planned.map((cells) => [cells[0], (cells[1] ?? '').split(' ')[0]]));
  expect(hostOf).toMatchObject({ alpha: 'd1', gamma: 'd3' });
  expect(['d1', 'd2', 'd3']).toContain(hostOf.beta);
  // Score terms of the chosen host for the placed-by-score container; pinned ones say which hosts were filtered and why.
  expect(planned.find((c) => c[0] === 'beta')?.[3]).toMatch(/base/);
  expect(planned.find((c) => c[0] === 'gamma')?.[4]).toMatch(/d1: pinned/);
  expect(await fleet.containersOf(SPREAD)).toEqual({ d1: [], d2: [], d3: [] });

  await markDocument();
  await page.getByRole('button', { name: 'Deploy' }).click();
  await page.waitForURL(/#\/stacks\/stack%3Aweb-ui-spread$/);
  await page.locator('.summary-head .badge', { hasText: 'running' }).waitFor({ timeout: 90_000 });
  await page.locator('.container-card[data-status="running"]').nth(2).waitFor({ timeout: 10_000 });
  expect(await stillSameDocument()).toBe(true);

  // Each host group on the page holds what Docker really runs on that host.
  const where = await fleet.whereRunning(SPREAD);
  expect(where).toEqual(hostOf);
  usedHosts = where;
  for (const [container, hostId] of Object.entries(where)) {
    await page.locator(`.host-group[data-host="${hostId}"] .container-card[data-container="${container}"]`).waitFor();
  }
  // The timeline got the stack's events as they happened.
  await page.locator('#timeline li[data-type="stack_running"]').waitFor();
  expect(await page.locator('#timeline li[data-type="task_updated"]').count()).toBeGreaterThan(0);
});

it("shows a failing container's error on its card, live", async () => {
  const definition = jsonLdStack(BROKEN, [
    { name: 'good', locatedInHost: 'd1' },
    { name: 'bad', image: 'does-not-exist:1', locatedInHost: 'd2' },
  ]);
  await typeDefinition(definition);
  await markDocument();
  await page.getByRole('button', { name: 'Deploy' }).click();
  await page.waitForURL(/#\/stacks\/stack%3Aweb-ui-broken$/);
  const bad = page.locator('.container-card[data-container="bad"][data-status="failed"]');
  await bad.waitFor({ timeout: 90_000 });
  expect(await bad.locator('.error-block').textContent()).toMatch(/does-not-exist/);
  expect(await bad.locator('.step-failed').count()).toBeGreaterThan(0);
  await page.locator('.summary-head .badge', { hasText: 'error' }).waitFor({ timeout: 30_000 });
  await page.locator('.container-card[data-container="good"][data-status="running"]').waitFor({ timeout: 30_000 });
  expect(await stillSameDocument()).toBe(true);
});

it('lists the stacks with status, containers and hosts, and filters them by status', async () => {
  await page.goto(`${fleet.url}/#/stacks`);
  const spread = page.locator(`tr[data-stack="stack:${SPREAD}"]`);
  await spread.waitFor();
  const cells = await spread.locator('td').allTextContents();
  expect(cells[1]).toMatch(/running/);
  expect(cells[3]).toBe('3');
  expect(cells[4]).toBe([...new Set(Object.values(usedHosts))].sort().join(', '));
  await page.getByLabel('Status').selectOption('error');
  await page.waitForURL(/#\/stacks\?status=error$/);
  await page.locator(`tr[data-stack="stack:${BROKEN}"]`).waitFor();
  expect(await page.locator(`tr[data-stack="stack:${SPREAD}"]`).count()).toBe(0);
});

it('shows the hosts with live load and a topology picture; Tasks lists, filters and counts the queue', async () => {
  await page.goto(`${fleet.url}/#/hosts`);
  for (const hostId of ['d1', 'd2', 'd3']) {
    const row = page.locator(`.hosts-table tr[data-host="${hostId}"]`);
    await row.waitFor();
    expect(await row.locator('.badge').textContent()).toBe('online');
    expect(await row.textContent()).toMatch(/172\.31\.\d\.1/);
    await page.locator(`svg.topology g.topo-host[data-host="${hostId}"]`).waitFor();
  }
  expect(await page.locator('svg.topology .topo-container').count()).toBeGreaterThanOrEqual(4);

  await page.goto(`${fleet.url}/#/tasks`);
  await page.getByRole('heading', { name: /Statistics/ }).waitFor();
  await page.getByLabel('Status').selectOption('failed');
  await page.waitForURL(/status=failed/);
  const failed = page.locator('.tasks-table tbody tr');
  await failed.first().waitFor();
  expect(await failed.count()).toBe(1);
  expect(await failed.first().textContent()).toMatch(/does-not-exist/);
  await failed.first().getByRole('button', { name: 'Retry' }).waitFor();
});

it('deletes with confirmation; containers go host by host until the stack is gone everywhere', async () => {
  await page.goto(`${fleet.url}/#/stacks/${encodeURIComponent(`stack:${SPREAD}`)}`);
  await page.locator('.summary-head .badge', { hasText: 'running' }).waitFor();
  await markDocument();
  // Record every state a container card goes through while the delete runs.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenStatuses: string[] }).seenStatuses = seen;
    new MutationObserver(() => {
      for (const card of Array.from(document.querySelectorAll<HTMLElement>('.container-card'))) seen.push(card.dataset.status ?? '');
    }).observe(document.getElementById('containers')!, { subtree: true, childList: true, attributes: true });
  });

  await page.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  expect(await dialog.textContent()).toMatch(/Delete stack "web-ui-spread"/);
  await dialog.getByRole('button', { name: 'Go back' }).click();
  expect(await page.getByRole('dialog').count()).toBe(0);
  expect((await fleet.api.stack(`stack:${SPREAD}`))?.stack.status).toBe('running');

  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.getByText(/has been deleted: no container of it is left on any host/).waitFor({ timeout: 60_000 });
  expect(await stillSameDocument()).toBe(true);
  expect(await page.locator('.container-card:not(.removed)').count()).toBe(0);
  const seen = await page.evaluate(() => (window as unknown as { seenStatuses: string[] }).seenStatuses);
  expect(seen).toContain('removed');
  expect(await fleet.containersOf(SPREAD)).toEqual({ d1: [], d2: [], d3: [] });

  await page.goto(`${fleet.url}/#/stacks`);
  await page.locator(`tr[data-stack="stack:${BROKEN}"]`).waitFor();
  expect(await page.locator(`tr[data-stack="stack:${SPREAD}"]`).count()).toBe(0);
});
