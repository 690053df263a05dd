/**
 * The `controller` binary as an operator runs it: `serve` on the embedded store prints the admin token
 * once, `token create` gets an agent token through the running controller, SIGTERM stops it cleanly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tsx = join(__dirname, '../../../node_modules/.bin/tsx');
const main = join(__dirname, '../src/main.ts');

let child: ChildProcess;
let dataDir: string;
let output = '';

function waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in output:\n${output}`)), timeoutMs);
    const check = () => {
      const match = pattern.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    check();
  });
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'graphium-cli-'));
  child = spawn(tsx, [main, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn']);
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
});

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

it('serves, prints the admin token once, creates an agent token, and stops on SIGTERM', async () => {
  const url = (await waitFor(/Graphium controller on (http:\/\/\S+)/))[1]!;
  const admin = (await waitFor(/GRAPHIUM_TOKEN=(\S+)/))[1]!;
  expect((await fetch(`${url}/healthz`)).status).toBe(200);

  const created = spawnSync(tsx, [main, 'token', 'create', '--agent', 'vm1', '--controller', url, '--token', admin], {
    encoding: 'utf8',
  });
  expect(created.stderr).toBe('');
  const agentToken = created.stdout.trim();
  expect(agentToken).toMatch(/^\S{40,}$/);
  const forbidden = await fetch(`${url}/api/v1/stacks`, { headers: { authorization: `Bearer ${agentToken}` } });
  expect(forbidden.status).toBe(403);

  const refused = spawnSync(tsx, [main, 'token', 'create', '--user', 'ci', '--controller', url, '--token', 'wrong'], {
    encoding: 'utf8',
  });
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toContain('401');

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
}, 40_000);

it('names the bad setting and exits non-zero', () => {
  const result = spawnSync(tsx, [main, 'serve', '--port', '70000'], { encoding: 'utf8', env: { ...process.env, GRAPHIUM_PORT: '' } });
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(/port:/);
});
