/**
 * The built `graphium` binary as scripts use it (`node packages/cli/dist/main.js`, built by `tsc -b` before
 * the tests): exit codes per kind of failure, `--json` on stdout, errors on stderr.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { failBad } from './support/failures.js';
import { Harness } from './support/harness.js';

const MAIN = join(__dirname, '..', 'dist', 'main.js');
const fixture = (name: string) => join(__dirname, 'fixtures', name);

// Real processes and a real store on a shared machine: allow for a slow moment, not only the happy path's pace.
jest.setTimeout(60_000);

let h: Harness;

beforeAll(async () => {
  // "idle" never claims: the stack pinned there is parked, and once drained it takes no other placement.
  h = await Harness.start([
    { hostId: 'vm1', address: '10.0.2.1', decide: failBad },
    { hostId: 'idle', address: '10.0.2.2', active: false },
  ]);
  expect((await h.cli(['stack', 'deploy', fixture('parked.jsonld')])).code).toBe(0);
  expect((await h.cli(['host', 'drain', 'idle'])).code).toBe(0);
});

afterAll(async () => {
  await h.close();
});

function graphium(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      // No inherited GRAPHIUM_* settings and no real config file: HOME is the harness's scratch directory.
      { env: { PATH: process.env.PATH ?? '', HOME: h.home, GRAPHIUM_CONTROLLER: h.url, GRAPHIUM_TOKEN: h.adminToken, ...env } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? -1), stdout, stderr }),
    );
  });
}

it('deploys with --wait and --json: exit 0, the final stack view on stdout', async () => {
  const result = await graphium(['stack', 'deploy', fixture('web.jsonld'), '--wait', '--timeout', '30', '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ stack: { name: 'web', status: 'running' } });
});

it('ls --json prints the API\'s list', async () => {
  const result = await graphium(['--json', 'stack', 'ls']);
  expect(result.code).toBe(0);
  const list = JSON.parse(result.stdout) as { items: Array<{ '@id': string }> };
  expect(list.items.map((s) => s['@id']).sort()).toEqual(['stack:parked', 'stack:web']);
});

it('a bad token: exit 3, the 401 message and what to do', async () => {
  const result = await graphium(['stack', 'ls'], { GRAPHIUM_TOKEN: 'gra_not-a-real-token' });
  expect(result.code).toBe(3);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^error: the bearer token is not valid \(HTTP 401 UNAUTHENTICATED\)$/m);
  expect(result.stderr).toMatch(/^hint: give a token with --token, GRAPHIUM_TOKEN or the config file/m);
});

it('the same with --json: the API\'s error shape on stderr', async () => {
  const result = await graphium(['stack', 'ls', '--json'], { GRAPHIUM_TOKEN: 'gra_not-a-real-token' });
  expect(result.code).toBe(3);
  expect(JSON.parse(result.stderr)).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'the bearer token is not valid' } });
});

it('an invalid file: exit 3 with the field path; --json keeps the details', async () => {
  const result = await graphium(['stack', 'plan', fixture('invalid.jsonld'), '--json']);
  expect(result.code).toBe(3);
  const body = JSON.parse(result.stderr) as { error: { code: string; details: { errors: Array<{ path: string }> } } };
  expect(body.error.code).toBe('VALIDATION_FAILED');
  expect(body.error.details.errors.map((e) => e.path)).toContain('hasPart[1].ports[0].hostPort');
});

it('an unknown stack: exit 3 and the 404', async () => {
  const result = await graphium(['stack', 'status', 'missing']);
  expect(result.code).toBe(3);
  expect(result.stderr).toBe('error: no stack stack:missing (HTTP 404 NOT_FOUND)\n');
});

it('the controller unreachable: exit 4 and where it looked', async () => {
  const result = await graphium(['host', 'ls', '--controller', 'http://127.0.0.1:9']);
  expect(result.code).toBe(4);
  expect(result.stderr).toMatch(/^error: cannot reach the controller at http:\/\/127\.0\.0\.1:9 \(.*ECONNREFUSED.*\); is it running/);
});

it('usage errors: exit 2', async () => {
  expect((await graphium(['stack', 'deploy'])).code).toBe(2);
  expect((await graphium(['stack', 'frobnicate'])).code).toBe(2);
  const missing = await graphium(['stack', 'deploy', 'no-such-file.yml']);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/^error: cannot read no-such-file\.yml: ENOENT/);
});

it('a failed deploy: exit 1 with the failing container\'s error', async () => {
  const result = await graphium(['stack', 'deploy', fixture('broken.jsonld'), '--wait', '--timeout', '30']);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^error: container "bad" on host "vm1" failed: IMAGE_NOT_FOUND: image busybox:no-such-tag not found$/m);
});

it('a --wait that runs out of time: exit 5, and the operation carries on', async () => {
  const result = await graphium(['stack', 'rm', 'parked', '--wait', '--timeout', '1']);
  expect(result.code).toBe(5);
  expect(result.stderr).toMatch(/^error: gave up waiting after 1s: stack stack:parked is deleting, not yet deleted/);
});

it('the host list: exit 0 with both hosts', async () => {
  const result = await graphium(['--json', 'host', 'ls']);
  expect(result.code).toBe(0);
  expect((JSON.parse(result.stdout) as { items: Array<{ hostId: string; status: string }> }).items.map((x) => `${x.hostId}:${x.status}`).sort()).toEqual([
    'idle:draining',
    'vm1:online',
  ]);
});

it('reads controller and token from the config file when flags and env say nothing', async () => {
  const file = join(h.home, 'cli-config.json');
  writeFileSync(file, JSON.stringify({ controller: h.url, token: h.adminToken }));
  const result = await graphium(['--json', 'host', 'ls'], { GRAPHIUM_CONTROLLER: '', GRAPHIUM_TOKEN: '', GRAPHIUM_CLI_CONFIG: file });
  expect(result.code).toBe(0);
  expect((JSON.parse(result.stdout) as { items: unknown[] }).items).toHaveLength(2);
});
