/**
 * The top-level docker-compose.yml must stay a file docker-compose accepts. Only its shape is checked
 * (`config -q`): no image registry is reachable here, so the images are never built or pulled in tests.
 * scripts/testHosts/up.sh, which `npm test` runs first, installs Debian's docker-compose.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const composeFile = join(root, 'docker-compose.yml');
let scratch: string;
/** An empty env file in place of a `.env` an operator may keep beside docker-compose.yml. */
let emptyEnvFile: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'graphium-compose-'));
  emptyEnvFile = join(scratch, 'empty.env');
  writeFileSync(emptyEnvFile, '');
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** docker-compose v1 (Debian's), else the v2 plugin through `docker compose`. */
function composeCommand(): { command: string; prefix: string[] } | undefined {
  for (const candidate of [
    { command: 'docker-compose', prefix: [] },
    { command: 'docker', prefix: ['compose'] },
  ]) {
    const probe = spawnSync(candidate.command, [...candidate.prefix, 'version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

function runConfig(env: Record<string, string>, extra: string[] = []) {
  const compose = composeCommand();
  if (compose === undefined) {
    throw new Error(
      'docker-compose is not installed, so docker-compose.yml cannot be checked. Install it with ' +
        '`apt-get install docker-compose` (scripts/testHosts/up.sh does this when run as root) or the Docker ' +
        'compose plugin.',
    );
  }
  // A clean environment and no .env file: nothing from the caller's shell or checkout decides the outcome.
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
  return spawnSync(compose.command, [...compose.prefix, '-f', composeFile, '--env-file', emptyEnvFile, ...extra, 'config', '-q'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...base, ...env },
  });
}

describe('docker-compose.yml', () => {
  it('exists at the repository root', () => {
    expect(existsSync(composeFile)).toBe(true);
  });

  it('validates with `docker-compose config -q` given the CouchDB password', () => {
    const result = runConfig({ COUCHDB_PASSWORD: 'test-password' });
    if (result.status !== 0) {
      throw new Error(`docker-compose config failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
    }
  });

  it('validates with the agent profile and an agent token', () => {
    const result = runConfig(
      { COUCHDB_PASSWORD: 'test-password', GRAPHIUM_AGENT_TOKEN: 'grh_example', GRAPHIUM_HOST_ID: 'vm1' },
      ['--profile', 'agent'],
    );
    if (result.status !== 0) {
      throw new Error(`docker-compose --profile agent config failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
    }
  });

  it('refuses to run without a CouchDB password, and says which variable is missing', () => {
    const result = runConfig({});
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('COUCHDB_PASSWORD');
  });
});
