/**
 * Headless Chromium for the web UI tests and the screenshot script: the Debian `chromium` binary driven by
 * playwright-core (no browser is ever downloaded). Set GRAPHIUM_CHROMIUM to use another binary.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { GraphiumApi } from '../support/api';

export const CHROMIUM = process.env.GRAPHIUM_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: scripts/testHosts/up.sh installs Debian's chromium (or set GRAPHIUM_CHROMIUM)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A user token made through the API by the admin, as an operator would (`controller token create --user`). */
export async function createUserToken(api: GraphiumApi, name: string): Promise<string> {
  const sent = await api.send('POST', '/api/v1/tokens', { text: JSON.stringify({ kind: 'user', name }), contentType: 'application/json' });
  const token = (sent.body as { token?: string }).token;
  if (sent.status !== 201 && sent.status !== 200) throw new Error(`token create → ${sent.status} ${JSON.stringify(sent.body)}`);
  if (token === undefined) throw new Error('token create answered without a token');
  return token;
}

/** Opens the UI and logs in through the login form; resolves once the live stream is connected. */
export async function logIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#live[data-state="open"]').waitFor({ timeout: 15_000 });
}

/** Browser-side errors collected for a test's assertions (a page error is always a bug). */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) errors.push(message.text());
  });
  return errors;
}
