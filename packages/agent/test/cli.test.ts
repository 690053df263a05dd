import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const tsx = join(__dirname, '../../../node_modules/.bin/tsx');
const main = join(__dirname, '../src/main.ts');
const agent = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(tsx, [main, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 });

describe('agent command line', () => {
  it('lists every flag in --help', () => {
    const result = agent(['--help']);
    expect(result.status).toBe(0);
    for (const flag of ['--host-id', '--controller', '--token', '--docker-host', '--tls-ca', '--datacenter', '--label', '--address', '--concurrency', '--allow-privileged', '--allow-bind', '--allow-host-network', '--log-level']) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('refuses a bad configuration naming the keys, with exit code 2', () => {
    const result = agent(['--controller', 'ftp://x', '--concurrency', '0', '--address', '10.0.0.1']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/hostId/);
    expect(result.stderr).toMatch(/controller/);
    expect(result.stderr).toMatch(/token/);
    expect(result.stderr).toMatch(/concurrency/);
  });
});
