/**
 * A whole Graphium fleet for end-to-end tests, all real parts: the BUILT controller (`dist/main.js serve`,
 * embedded store in a temp dir, port 0) and one BUILT agent process per dockerd test host, each with its own
 * agent token made through the API, its host's socket and its host's address (172.31.N.1).
 *
 *   const fleet = await Fleet.start();                 // d1, d2, d3 registered and online
 *   const deployed = await fleet.api.deploy(stack);
 *   await fleet.containersOf('web');                   // what really runs where, per host id
 *   await fleet.close();                               // processes stopped, Graphium's containers removed
 *
 * Graphium's containers (label graphium.managed=true) are removed from every test host before the fleet
 * starts (leftovers of a killed run) and after it closes, so test files must run one at a time (jest's
 * e2e project does: one worker on the shared test hosts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphiumApi } from './api';
import { EventCollector, type EventQuery } from './events';
import { cleanEnv, TestProcess } from './processes';
import { managedContainers, removeManaged, testHosts, workspaceRoot, type ContainerRow, type TestDockerHost } from './testHosts';

export interface FleetHostOptions {
  /** Default d1, d2, d3 (the test host's name). */
  hostId?: string;
  datacenter?: string;
  labels?: Record<string, string>;
}

export interface FleetOptions {
  /** One entry per test host used, in order d1, d2, …; default three hosts with their own names as ids. */
  hosts?: FleetHostOptions[];
  /** Tasks each agent runs at once (agent default 4). */
  agentConcurrency?: number;
  /** Extra environment of the controller (GRAPHIUM_* settings). */
  controllerEnv?: Record<string, string>;
  /** Keep the temp dir (logs, store) after close; default: kept only when GRAPHIUM_E2E_KEEP is set. */
  keep?: boolean;
}

export interface FleetHost {
  hostId: string;
  docker: TestDockerHost;
  /** Where its published ports answer. */
  address: string;
  /** The running agent process (replaced by startAgent). */
  agent: TestProcess;
  /** Its agent token and options, to start it again. */
  token: string;
  options: FleetHostOptions;
}

const ROOT = workspaceRoot();
export const CONTROLLER_MAIN = join(ROOT, 'packages/controller/dist/main.js');
export const AGENT_MAIN = join(ROOT, 'packages/agent/dist/main.js');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Fleet {
  private readonly collectors = new Set<EventCollector>();

  private constructor(
    readonly dir: string,
    readonly url: string,
    readonly adminToken: string,
    readonly api: GraphiumApi,
    readonly controller: TestProcess,
    readonly hosts: FleetHost[],
    private readonly keep: boolean,
    private readonly agentConcurrency: number | undefined,
  ) {}

  static async start(options: FleetOptions = {}): Promise<Fleet> {
    const wanted = options.hosts ?? [{}, {}, {}];
    const dockerHosts = testHosts(wanted.length);
    await removeManaged(dockerHosts);
    const dir = mkdtempSync(join(tmpdir(), 'graphium-e2e-'));
    const controller = TestProcess.spawn({
      name: 'controller',
      command: process.execPath,
      args: [CONTROLLER_MAIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', join(dir, 'data')],
      env: cleanEnv(options.controllerEnv),
      cwd: dir,
      logFile: join(dir, 'controller.log'),
    });
    const started: TestProcess[] = [controller];
    try {
      const [, url = ''] = await controller.waitForLine(/controller on (http:\/\/\S+)/, 30_000);
      const [, adminToken = ''] = await controller.waitForLine(/GRAPHIUM_TOKEN=(\S+)/);
      const api = new GraphiumApi(url, adminToken);
      const hosts: FleetHost[] = [];
      for (const [index, host] of wanted.entries()) {
        const docker = dockerHosts[index] as TestDockerHost;
        const hostId = host.hostId ?? docker.name;
        const token = await api.createAgentToken(hostId);
        const agent = Fleet.spawnAgent(dir, url, hostId, token, docker, host, options.agentConcurrency);
        started.push(agent);
        hosts.push({ hostId, docker, address: docker.address, agent, token, options: host });
      }
      const keep = options.keep ?? process.env.GRAPHIUM_E2E_KEEP !== undefined;
      const fleet = new Fleet(dir, url, adminToken, api, controller, hosts, keep, options.agentConcurrency);
      await fleet.waitForHostsOnline();
      return fleet;
    } catch (error) {
      const tails = started.map((p) => p.tail()).join('\n');
      await Promise.all(started.map((p) => p.stop(2_000)));
      throw new Error(`the fleet did not start: ${(error as Error).message}\n${tails}\n(logs in ${dir})`);
    }
  }

  private static spawnAgent(
    dir: string,
    url: string,
    hostId: string,
    token: string,
    docker: TestDockerHost,
    host: FleetHostOptions,
    concurrency: number | undefined,
  ): TestProcess {
    const args = [AGENT_MAIN, '--host-id', hostId, '--controller', url, '--docker-host', docker.dockerHost, '--address', docker.address];
    if (host.datacenter !== undefined) args.push('--datacenter', host.datacenter);
    for (const [key, value] of Object.entries(host.labels ?? {})) args.push('--label', `${key}=${value}`);
    if (concurrency !== undefined) args.push('--concurrency', String(concurrency));
    // The token through the environment, as an operator should pass it (not visible in `ps`).
    return TestProcess.spawn({
      name: `agent ${hostId}`,
      command: process.execPath,
      args,
      env: cleanEnv({ GRAPHIUM_AGENT_TOKEN: token, GRAPHIUM_AGENT_DRAIN_TIMEOUT_SECONDS: '5' }),
      cwd: dir,
      logFile: join(dir, `agent-${hostId}.log`),
    });
  }

  /** Until every agent's host is registered and online. */
  async waitForHostsOnline(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const ids = this.hosts.map((h) => h.hostId);
    for (;;) {
      const { items } = await this.api.hosts();
      const online = new Set(items.filter((h) => h.status === 'online').map((h) => h.hostId));
      if (ids.every((id) => online.has(id))) return;
      const dead = this.hosts.find((h) => !h.agent.running);
      if (dead !== undefined) throw new Error(`agent ${dead.hostId} exited\n${dead.agent.tail()}`);
      if (Date.now() > deadline) throw new Error(`hosts online: ${[...online].join(', ') || 'none'}; wanted ${ids.join(', ')}`);
      await sleep(100);
    }
  }

  host(hostId: string): FleetHost {
    const host = this.hosts.find((h) => h.hostId === hostId);
    if (host === undefined) throw new Error(`no fleet host ${hostId}; have ${this.hosts.map((h) => h.hostId).join(', ')}`);
    return host;
  }

  /** Stops one host's agent (SIGTERM: it drains and exits; the host's containers keep running, as on a real host). */
  async stopAgent(hostId: string): Promise<void> {
    await this.host(hostId).agent.stop(8_000);
  }

  /** Starts a stopped agent again with its token and options (it registers anew) and waits until its host is online. */
  async startAgent(hostId: string, timeoutMs = 30_000): Promise<void> {
    const host = this.host(hostId);
    if (host.agent.running) throw new Error(`the agent of ${hostId} is still running`);
    host.agent = Fleet.spawnAgent(this.dir, this.url, hostId, host.token, host.docker, host.options, this.agentConcurrency);
    await this.waitForHostsOnline(timeoutMs);
  }

  /** The host a test host's address belongs to, e.g. for a placement's hostAddress. */
  hostByAddress(address: string): FleetHost | undefined {
    return this.hosts.find((h) => h.address === address);
  }

  /** Opens a live event stream; closed with the fleet. */
  async events(query: EventQuery = {}): Promise<EventCollector> {
    const collector = await EventCollector.open(this.url, this.adminToken, query);
    this.collectors.add(collector);
    return collector;
  }

  /** What really exists on each host for a stack (or all Graphium containers): host id → containers. */
  async containersOf(stack?: string): Promise<Record<string, ContainerRow[]>> {
    const rows = await Promise.all(this.hosts.map(async (h) => [h.hostId, await managedContainers(h.docker, stack)] as const));
    return Object.fromEntries(rows);
  }

  /** Container name (the spec's, from the graphium.container label) → host id, for a stack's containers. */
  async whereRunning(stack: string): Promise<Record<string, string>> {
    const where: Record<string, string> = {};
    for (const [hostId, rows] of Object.entries(await this.containersOf(stack))) {
      for (const row of rows.filter((r) => r.state === 'running')) where[row.labels['graphium.container'] ?? row.name] = hostId;
    }
    return where;
  }

  /** Logs of every process, for a failing test's message. */
  tails(): string {
    return [this.controller, ...this.hosts.map((h) => h.agent)].map((p) => p.tail(15)).join('\n');
  }

  async close(): Promise<void> {
    await Promise.all([...this.collectors].map((c) => c.close()));
    // Agents first (they drain and release), then the controller they report to.
    await Promise.all(this.hosts.map((h) => h.agent.stop(8_000)));
    await this.controller.stop(8_000);
    await removeManaged(this.hosts.map((h) => h.docker));
    if (!this.keep) rmSync(this.dir, { recursive: true, force: true });
  }
}
