/**
 * The real `agent` process (src/main.ts through tsx) on a real dockerd (test host 3), against the stand-in
 * controller: registration facts, a deploy whose port answers over HTTP, a remove, and the two-stage
 * shutdown (first SIGTERM drains and releases, a second one exits at once).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { LABEL } from '../../src/executors/labels';
import { testHost, workspaceRoot } from '../support/dockerHosts';
import { FakeController } from '../support/fakeController';
import { deployTask, targetTask } from '../support/tasks';

jest.setTimeout(60_000);

const host = testHost(2);
const docker = new Dockerode({ socketPath: host.socketPath });
const stack = `ap${randomBytes(3).toString('hex')}`;
const tsx = join(workspaceRoot(), 'node_modules/.bin/tsx');
const main = join(workspaceRoot(), 'packages/agent/src/main.ts');

let controller: FakeController;
let agent: ChildProcess | undefined;
let output = '';

function startAgent(extra: string[] = []): ChildProcess {
  output = '';
  const child = spawn(
    tsx,
    [main, '--host-id', 'd3', '--controller', controller.url, '--token', controller.token, '--docker-host', host.dockerHost, '--address', host.address, '--label', 'tier=test', '--drain-timeout', '2', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', GRAPHIUM_AGENT_CLAIM_WAIT_SECONDS: '2' } },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

beforeEach(async () => {
  controller = await FakeController.start();
});

afterEach(async () => {
  if (agent !== undefined && agent.exitCode === null) {
    agent.kill('SIGKILL');
    await exited(agent);
  }
  agent = undefined;
  await controller.close();
  const ours = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL.stack}=${stack}`] }) });
  for (const c of ours) await docker.getContainer(c.Id).remove({ force: true });
});

it('registers with the engine facts, deploys a container whose port answers, reports it in inventory, removes it', async () => {
  agent = startAgent();
  const registration = await controller.waitFor(() => controller.registrations[0], 20_000);
  expect(registration).toMatchObject({ address: host.address, labels: { tier: 'test' }, dockerVersion: expect.stringMatching(/^\d+\.\d+/), arch: 'x86_64' });
  expect(registration.resources.cpus).toBeGreaterThan(0);

  const deploy = deployTask({
    stack,
    container: { name: 'web', image: 'nginx:alpine', command: undefined, ports: [{ containerPort: 80, hostPort: 23080, protocol: 'tcp' }], healthCheck: { type: 'http', port: 80, path: '/', shell: false, interval: 0.5, timeout: 2, retries: 3, startPeriod: 0 } },
  });
  controller.enqueue(deploy);
  const done = await controller.waitFor(() => controller.finalReportOf(deploy['@id']), 20_000);
  expect(done.update).toMatchObject({ status: 'completed', result: { state: 'running', healthy: true, ports: [{ containerPort: 80, hostPort: 23080 }] } });
  const page = await fetch(`http://${host.address}:23080/`, { signal: AbortSignal.timeout(5000) });
  expect(page.status).toBe(200);
  const beat = await controller.waitFor(() => controller.heartbeats.find((b) => (b.inventory ?? []).some((e) => e.stack === stack)), 5_000);
  expect(beat.usedHostPorts).toContain(23080);

  const remove = targetTask('remove', `${stack}-web`, 0, stack);
  controller.enqueue(remove);
  expect((await controller.waitFor(() => controller.finalReportOf(remove['@id']), 20_000)).update.status).toBe('completed');
  expect(await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL.stack}=${stack}`] }) })).toEqual([]);

  agent.kill('SIGTERM');
  expect(await exited(agent)).toBe(0);
  expect(output).toContain('"event":"agent.stopped"');
});

it('first SIGTERM drains: a task that cannot finish in time is released, and the agent exits 0', async () => {
  agent = startAgent();
  await controller.waitFor(() => controller.registrations.length > 0, 20_000);
  // Never healthy within the drain time: a slow check with a long start period.
  const slow = deployTask({ stack, container: { name: 'slow', healthCheck: { type: 'exec', command: ['false'], shell: false, interval: 30, timeout: 5, retries: 3, startPeriod: 60 } } });
  controller.enqueue(slow);
  await controller.waitFor(() => controller.reportsOf(slow['@id']).some((r) => (r.update as { progress?: { phase: string } }).progress?.phase === 'waiting-for-health'), 20_000);
  const started = Date.now();
  agent.kill('SIGTERM');
  expect(await exited(agent)).toBe(0);
  expect(Date.now() - started).toBeLessThan(8_000);
  expect(controller.finalReportOf(slow['@id'])?.update.status).toBe('released');
  expect(output).toContain('"event":"agent.releasing"');
});

it('a second signal exits at once', async () => {
  agent = startAgent(['--drain-timeout', '30']);
  await controller.waitFor(() => controller.registrations.length > 0, 20_000);
  const slow = deployTask({ stack, container: { name: 'slower', healthCheck: { type: 'exec', command: ['false'], shell: false, interval: 30, timeout: 5, retries: 3, startPeriod: 60 } } });
  controller.enqueue(slow);
  await controller.waitFor(() => controller.reportsOf(slow['@id']).length > 0, 20_000);
  agent.kill('SIGTERM');
  await controller.waitFor(() => output.includes('agent.drain_requested') || undefined, 5_000);
  const started = Date.now();
  agent.kill('SIGTERM');
  expect(await exited(agent)).toBe(130);
  expect(Date.now() - started).toBeLessThan(3_000);
});
