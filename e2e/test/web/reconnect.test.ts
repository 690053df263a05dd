/**
 * The UI's live stream survives a controller restart: the page notices the stream dropped, reconnects by
 * itself to the new process (same port, same store) and keeps updating from events without a reload.
 * No Docker is needed here: the host is registered through the agent API and nothing is executed.
 */
/// <reference lib="dom" />
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { GraphiumApi } from '../support/api';
import { CONTROLLER_MAIN } from '../support/fleet';
import { cleanEnv, TestProcess } from '../support/processes';
import { jsonLdStack } from '../support/stacks';
import { createUserToken, launchBrowser, logIn } from './browser';

jest.setTimeout(120_000);

let dir: string;
let port: number;
let controller: TestProcess | undefined;
let browser: Browser;
let page: Page;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

async function startController(): Promise<TestProcess> {
  const started = TestProcess.spawn({
    name: 'controller',
    command: process.execPath,
    args: [CONTROLLER_MAIN, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', join(dir, 'data')],
    env: cleanEnv(),
    cwd: dir,
    logFile: join(dir, 'controller.log'),
  });
  await started.waitForLine(/controller\.listening|controller on http/, 30_000);
  return started;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'graphium-web-reconnect-'));
  port = await freePort();
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await controller?.stop(8_000);
  rmSync(dir, { recursive: true, force: true });
});

it('reconnects by itself after the controller restarts and keeps updating live', async () => {
  controller = await startController();
  const [, adminToken = ''] = await controller.waitForLine(/GRAPHIUM_TOKEN=(\S+)/);
  const url = `http://127.0.0.1:${port}`;
  const api = new GraphiumApi(url, adminToken);
  const token = await createUserToken(api, 'web-reconnect');
  await logIn(page, url, token);
  await page.getByText('No stacks yet.').waitFor();
  await page.evaluate(() => {
    (window as unknown as { graphiumMark: number }).graphiumMark = 7;
  });

  await controller.stop(8_000);
  await page.locator('#live[data-state="reconnecting"]').waitFor({ timeout: 15_000 });
  controller = await startController();
  await page.locator('#live[data-state="open"]').waitFor({ timeout: 20_000 });

  // Something happens after the restart: a host registers and a stack is deployed onto it.
  const agentToken = await api.createAgentToken('h1');
  const registered = await fetch(`${url}/api/v1/agents/h1/register`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ address: '127.0.0.1', resources: { cpus: 2, memory: 2 * 1024 ** 3 } }),
  });
  expect(registered.status).toBe(200);
  await api.deploy(jsonLdStack('after-restart', [{ name: 'one', locatedInHost: 'h1' }]));

  // The Stacks page re-reads only on events (and on reconnect, which is over): the row comes from the stream.
  await page.locator('tr[data-stack="stack:after-restart"]').waitFor({ timeout: 10_000 });
  expect(await page.evaluate(() => (window as unknown as { graphiumMark?: number }).graphiumMark)).toBe(7);
  expect(await page.evaluate(() => sessionStorage.getItem('graphium.token'))).toBe(token);
});
