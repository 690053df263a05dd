/**
 * The real Docker daemons the Docker-tier tests run against (scripts/testHosts/up.sh: several dockerd on this
 * machine, each its own host). Calling up.sh is cheap when they are already up, so every test file asks.
 * When Docker cannot be had the tests fail with how to get it: they never skip in silence.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface TestDockerHost {
  name: string;
  /** `unix:///run/graphium-test/dN.sock`. */
  dockerHost: string;
  socketPath: string;
  /** Where the host's published ports answer (its bridge address). */
  address: string;
  bridge: string;
}

export interface TestDockerHosts {
  hosts: TestDockerHost[];
  images: string[];
}

/** The workspace root, found from the working directory (jest runs CommonJS, the bench ESM: no common __dirname). */
export function workspaceRoot(from = process.cwd()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}: run from inside the Graphium checkout`);
  }
}

const UP_SCRIPT = join(workspaceRoot(), 'scripts/testHosts/up.sh');

let cached: TestDockerHosts | undefined;

function howToGetDocker(reason: string): Error {
  return new Error(
    [
      'The Docker-tier tests need real Docker daemons and could not get them.',
      reason,
      'They come from scripts/testHosts/up.sh, which on Debian as root installs docker.io and busybox-static',
      'with apt-get and starts its own dockerd hosts. Run it yourself to see why it fails:',
      `  sudo ${UP_SCRIPT}`,
      'Elsewhere: run the tests as root on a Linux machine with apt-get, or install Docker (dockerd) and a static',
      'busybox at /bin/busybox first.',
    ].join('\n'),
  );
}

export function ensureDockerHosts(count = 3): TestDockerHosts {
  if (cached !== undefined && cached.hosts.length >= count) return cached;
  let stdout: string;
  try {
    stdout = execFileSync(UP_SCRIPT, [String(count)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10 * 60_000 });
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw howToGetDocker(`up.sh failed: ${(failure.stderr ?? '').trim() || failure.message}`);
  }
  try {
    cached = JSON.parse(stdout) as TestDockerHosts;
  } catch {
    throw howToGetDocker(`up.sh printed no JSON summary: ${stdout.slice(0, 500)}`);
  }
  if (cached.hosts.length < count) throw howToGetDocker(`up.sh started ${cached.hosts.length} hosts, ${count} wanted`);
  return cached;
}

export function testHost(index = 0): TestDockerHost {
  const host = ensureDockerHosts().hosts[index];
  if (host === undefined) throw howToGetDocker(`no test host number ${index + 1}`);
  return host;
}
