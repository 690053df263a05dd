/**
 * The real dockerd test hosts (scripts/testHosts/up.sh) as the end-to-end tests see them: where each one is,
 * and the few `docker` CLI calls the tests make to check what is really running there. The CLI, not an
 * API client, on purpose: it is what an operator would type to check Graphium's work.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestDockerHost {
  /** d1, d2, d3 … */
  name: string;
  /** `unix:///run/graphium-test/dN.sock`. */
  dockerHost: string;
  socketPath: string;
  /** Where the host's published ports answer (its bridge address, 172.31.N.1). */
  address: string;
}

/** The checkout's root, found from the working directory (jest and tsx both run from inside it). */
export function workspaceRoot(from = process.cwd()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}: run from inside the Graphium checkout`);
  }
}

let cached: TestDockerHost[] | undefined;

/** Brings the hosts up (idempotent, ~1 s when they are) and reads their summary. Fails, never skips. */
export function testHosts(count = 3): TestDockerHost[] {
  if (cached !== undefined && cached.length >= count) return cached.slice(0, count);
  const script = join(workspaceRoot(), 'scripts/testHosts/up.sh');
  let stdout: string;
  try {
    stdout = execFileSync(script, [String(count)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10 * 60_000 });
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(
      `The end-to-end tests need the real dockerd test hosts and ${script} failed:\n${(failure.stderr ?? '').trim() || failure.message}\n` +
        'Run it as root on Debian (it installs docker.io and busybox-static when missing); see scripts/testHosts/README.md.',
    );
  }
  const { hosts } = JSON.parse(stdout) as { hosts: TestDockerHost[] };
  if (hosts.length < count) throw new Error(`${script} started ${hosts.length} hosts, ${count} wanted`);
  cached = hosts;
  return hosts.slice(0, count);
}

/** `docker -H <host> …`, its stdout. */
export async function docker(host: TestDockerHost, args: string[], timeoutMs = 30_000): Promise<string> {
  const { stdout } = await run('docker', ['-H', host.dockerHost, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20 });
  return stdout;
}

export interface ContainerRow {
  id: string;
  /** Docker name without the leading slash: `{stack}-{container}`. */
  name: string;
  state: string;
  labels: Record<string, string>;
}

function labelsOf(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) labels[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return labels;
}

/** Containers (running or not) carrying Graphium's labels, optionally of one stack. */
export async function managedContainers(host: TestDockerHost, stack?: string): Promise<ContainerRow[]> {
  const filters = ['--filter', 'label=graphium.managed=true', ...(stack === undefined ? [] : ['--filter', `label=graphium.stack=${stack}`])];
  const out = await docker(host, ['ps', '-a', '--no-trunc', ...filters, '--format', '{{.ID}}\t{{.Names}}\t{{.State}}\t{{.Labels}}']);
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id = '', name = '', state = '', labels = ''] = line.split('\t');
      return { id, name, state, labels: labelsOf(labels) };
    });
}

/** The environment a running container's processes see (`docker exec … env`). */
export async function envInside(host: TestDockerHost, container: string): Promise<Record<string, string>> {
  const out = await docker(host, ['exec', container, 'env']);
  const env: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

/** `docker inspect` of one container, the fields the tests read. */
export async function inspect(host: TestDockerHost, container: string): Promise<{ StartedAt: string; Running: boolean }> {
  const out = await docker(host, ['inspect', '--format', '{{json .State}}', container]);
  return JSON.parse(out) as { StartedAt: string; Running: boolean };
}

/**
 * Removes every container and network carrying Graphium's labels (or those of the given stacks) on the
 * given hosts: what a test run leaves behind when it is killed, and what each fleet clears on close.
 */
export async function removeManaged(hosts: readonly TestDockerHost[], stacks?: readonly string[]): Promise<void> {
  await Promise.all(
    hosts.map(async (host) => {
      const rows = await managedContainers(host);
      const ids = rows.filter((row) => stacks === undefined || stacks.includes(row.labels['graphium.stack'] ?? '')).map((row) => row.id);
      if (ids.length > 0) await docker(host, ['rm', '-f', '-v', ...ids], 60_000);
      if (stacks === undefined) {
        const networks = (await docker(host, ['network', 'ls', '-q', '--filter', 'label=graphium.managed=true'])).split('\n').filter((n) => n !== '');
        // A network another run is still using stays; that run removes it.
        if (networks.length > 0) await docker(host, ['network', 'rm', ...networks]).catch(() => undefined);
      }
    }),
  );
}
