/**
 * A real controller (embedded store in a temp dir, port 0) with simulated agents (the controller tests' own) on a few hosts, and the CLI run
 * against it in-process: `cli(...)` runs a command line exactly as `graphium` would and captures its output.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../controller/src/config.js';
import { startController, type RunningController } from '../../../controller/src/server.js';
import { run } from '../../src/program.js';
import { SimulatedAgent, type Decide } from '../../../controller/test/integration/simulatedAgents.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface HostSetup {
  hostId: string;
  address: string;
  /** Claims and runs its tasks (default); `false` leaves them pending. */
  active?: boolean;
  decide?: Decide;
}

export class Harness {
  readonly agents: SimulatedAgent[] = [];
  private constructor(
    readonly controller: RunningController,
    readonly adminToken: string,
    private readonly dir: string,
  ) {}

  static async start(hosts: readonly HostSetup[]): Promise<Harness> {
    const dir = mkdtempSync(join(tmpdir(), 'graphium-cli-'));
    const config = loadConfig({ env: {}, flags: { port: 0, host: '127.0.0.1', dataDir: join(dir, 'data'), logLevel: 'silent' } });
    const controller = await startController(config);
    const harness = new Harness(controller, controller.adminToken ?? '', dir);
    for (const host of hosts) {
      const minted = await harness.api('POST', '/api/v1/tokens', { kind: 'agent', name: host.hostId, hostId: host.hostId });
      const agent = new SimulatedAgent({ baseUrl: controller.url, token: (minted.body as { token: string }).token, ...host });
      await agent.register();
      if (host.active !== false) agent.start();
      harness.agents.push(agent);
    }
    return harness;
  }

  get url(): string {
    return this.controller.url;
  }

  /** A scratch directory that is removed with the harness (HOME for config-file lookups). */
  get home(): string {
    return this.dir;
  }

  /** Runs `graphium ...args` in-process with GRAPHIUM_CONTROLLER / GRAPHIUM_TOKEN pointing here. */
  async cli(args: readonly string[], env: Record<string, string | undefined> = {}, isTTY = false): Promise<CliResult> {
    let stdout = '';
    let stderr = '';
    const io = { out: (t: string) => void (stdout += t), err: (t: string) => void (stderr += t), isTTY };
    const code = await run(args, {
      io,
      env: { GRAPHIUM_CONTROLLER: this.url, GRAPHIUM_TOKEN: this.adminToken, ...env },
      homeDir: this.dir,
    });
    return { code, stdout, stderr };
  }

  /** A direct API call, for arranging state and checking it independently of the CLI. */
  async api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  async close(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.stop()));
    await this.controller.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
