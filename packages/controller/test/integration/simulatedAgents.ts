/**
 * A stand-in for the agent that speaks the real HTTP API to a real controller: registers, long-polls its
 * queue, reports running and completed (with published ports, as Docker would). It runs no containers,
 * which is the point: the controller's side of the story is tested without Docker.
 */
import type { AgentTaskDocument, TaskError } from '@graphium/shared';

/** HTTP bodies are read as loose JSON here; the assertions check their shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;


/** What becomes of a task the agent claims: it completes, or fails the way a real agent reports it. */
export type Outcome = { complete: true } | { fail: TaskError };
export type Decide = (task: AgentTaskDocument) => Outcome;

export interface SimulatedAgentOptions {
  baseUrl: string;
  hostId: string;
  token: string;
  address: string;
  /** Default: every task completes. */
  decide?: Decide;
}

export class SimulatedAgent {
  session = '';
  readonly done: AgentTaskDocument[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly options: SimulatedAgentOptions) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${this.options.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: this.abort.signal,
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  async register(): Promise<void> {
    const { status, body } = await this.call('POST', `/api/v1/agents/${this.options.hostId}/register`, {
      address: this.options.address,
      datacenter: 'dc1',
      resources: { cpus: 4, memory: 8 * 2 ** 30 },
    });
    if (status !== 200) throw new Error(`register ${this.options.hostId}: ${status} ${JSON.stringify(body)}`);
    this.session = body.agentSession;
    await this.call('POST', `/api/v1/agents/${this.options.hostId}/heartbeat`, {
      agentSession: this.session,
      load: { cpuPercent: 5, memoryUsed: 2 ** 30, memoryAvailable: 7 * 2 ** 30, containerCount: 0 },
    });
  }

  async claim(waitSeconds: number): Promise<AgentTaskDocument[]> {
    const { status, body } = await this.call('POST', `/api/v1/agents/${this.options.hostId}/tasks/claim?wait=${waitSeconds}`, {
      agentSession: this.session,
      max: 4,
    });
    if (status !== 200) throw new Error(`claim ${this.options.hostId}: ${status} ${JSON.stringify(body)}`);
    return body.tasks;
  }

  async report(task: AgentTaskDocument, update: Record<string, unknown>): Promise<{ status: number; body: Json }> {
    return this.call('PUT', `/api/v1/tasks/${encodeURIComponent(task['@id'])}/status`, {
      leaseToken: task.lease?.token,
      ...update,
    });
  }

  /** Runs a task it got: running, then completed with the ports a container would publish (or failed, as decided). */
  async execute(task: AgentTaskDocument): Promise<void> {
    await this.report(task, { status: 'running', progress: { phase: 'starting' } });
    const outcome = this.options.decide?.(task) ?? { complete: true };
    if ('fail' in outcome) {
      const { status, body } = await this.report(task, { status: 'failed', error: outcome.fail });
      if (status !== 200) throw new Error(`fail ${task['@id']}: ${status} ${JSON.stringify(body)}`);
      return;
    }
    const ports =
      task.payload.kind === 'deploy'
        ? task.payload.containerSpec.ports.map((p, i) => ({
            containerPort: p.containerPort,
            hostPort: p.hostPort ?? 32768 + i,
            protocol: p.protocol,
          }))
        : [];
    const healthy = task.payload.kind === 'deploy' && task.payload.containerSpec.healthCheck !== undefined ? true : undefined;
    const { status, body } = await this.report(task, {
      status: 'completed',
      result: {
        containerId: `c-${task.containerName}`,
        ports,
        state: task.taskType === 'stop' ? 'exited' : 'running',
        ...(healthy === undefined ? {} : { healthy }),
      },
    });
    if (status !== 200) throw new Error(`complete ${task['@id']}: ${status} ${JSON.stringify(body)}`);
    this.done.push(task);
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          const tasks = await this.claim(2);
          await Promise.all(tasks.map((t) => this.execute(t)));
        } catch (error) {
          if (!this.running) return;
          throw error;
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop?.catch(() => undefined);
  }
}
