/**
 * `npm start` after install and build (scripts/start.mjs): the controller plus a local agent for the Docker
 * daemon DOCKER_HOST names (here test host d1). The local agent registers as host `local`, its token is kept
 * so a restart on the same data dir needs no admin, and Ctrl-C (SIGINT) stops both cleanly.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphiumApi } from './support/api';
import { cleanEnv, TestProcess } from './support/processes';
import { removeManaged, testHosts, workspaceRoot } from './support/testHosts';

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'graphium-start-'));
const dataDir = join(dir, 'data');

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function startOnce(port: number, run: number): Promise<TestProcess> {
  const d1 = testHosts(1)[0]!;
  return TestProcess.spawn({
    name: `npm start #${run}`,
    command: process.execPath,
    args: [join(workspaceRoot(), 'scripts/start.mjs'), '--port', String(port), '--data-dir', dataDir],
    env: cleanEnv({ DOCKER_HOST: d1.dockerHost, GRAPHIUM_AGENT_ADDRESS: d1.address }),
    cwd: dir,
    logFile: join(dir, `start-${run}.log`),
  });
}

async function waitForLocalHost(api: GraphiumApi, since: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const local = (await api.hosts()).items.find((h) => h.hostId === 'local');
    if (local?.status === 'online' && Date.parse(local.lastSeen) >= since - 1000) {
      expect(local.address).toBe(testHosts(1)[0]!.address);
      return;
    }
    if (Date.now() > deadline) throw new Error(`host "local" not online: ${JSON.stringify(local)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

it('starts the controller and a local agent that registers; restarts on the same data dir; Ctrl-C stops both', async () => {
  await removeManaged(testHosts(1));
  const port = await freePort();

  const first = await startOnce(port, 1);
  try {
    const [, url] = await first.waitForLine(/Graphium controller on (http:\/\/\S+)/, 60_000);
    const [, token] = await first.waitForLine(/export GRAPHIUM_TOKEN=(\S+)/);
    await first.waitForLine(/Local agent: host id "local" on unix:\/\/\/run\/graphium-test\/d1\.sock/);
    await first.waitForLine(/token create --agent vm1 --controller/);
    await first.waitForLine(/agent\/dist\/main\.js --host-id vm1 --controller/);
    expect(url).toBe(`http://localhost:${port}`);
    const api = new GraphiumApi(url!, token!);
    await waitForLocalHost(api, Date.now());
    for (const file of ['admin.token', 'local-agent.token']) expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);

    // Ctrl-C: the agent drains and stops, then the controller; one clean exit.
    expect(await first.stop(30_000, 'SIGINT')).toBe(0);
    await first.waitForLine(/"event":"agent.stopped"/, 1_000);
    await first.waitForLine(/"event":"controller.stopped"/, 1_000);

    // Later start: no admin token is printed by the controller any more; the kept tokens are used.
    const second = await startOnce(port, 2);
    try {
      await second.waitForLine(/Local agent: host id "local"/, 60_000);
      const restartedAt = Date.now();
      await second.waitForLine(/"event":"agent.registered"/, 30_000);
      await waitForLocalHost(api, restartedAt);
      expect(await second.stop(30_000, 'SIGINT')).toBe(0);
    } finally {
      await second.stop(5_000);
    }
  } finally {
    await first.stop(5_000);
  }
});
