/**
 * An agent stand-in that speaks the real agent API to the real controller (register, heartbeat, long-poll
 * claims, status reports) and runs no containers. `decide` says what becomes of each task it claims, so a
 * test can make one container's deploy fail the way a real agent reports it.
 */
import type { AgentTaskDocument, TaskError } from '@graphium/shared';

export type Outcome = { complete: true } | { fail: TaskError };
export type Decide = (task: AgentTaskDocument) => Outcome;

export interface FakeAgentOptions {
  baseUrl: string;
  hostId: string;
  token: string;
  address: string;
  decide?: Decide;
}

export class FakeAgent {
  private session = '';
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly options: FakeAgentOptions) {}

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.options.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: this.abort.signal,
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  private async expectOk(method: string, path: string, body?: unknown): Promise<unknown> {
    const { status, body: answer } = await this.call(method, path, body);
    if (status !== 200) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(answer)}`);
    return answer;
  }

  /** Registers the host and sends one heartbeat, so it is online with a known load. */
  async register(): Promise<void> {
    const { hostId, address } = this.options;
    const registered = (await this.expectOk('POST', `/api/v1/agents/${hostId}/register`, {
      address,
      datacenter: 'dc1',
      resources: { cpus: 4, memory: 8 * 2 ** 30 },
    })) as { agentSession: string };
    this.session = registered.agentSession;
    await this.expectOk('POST', `/api/v1/agents/${hostId}/heartbeat`, {
      agentSession: this.session,
      load: { cpuPercent: 5, memoryUsed: 2 ** 30, memoryAvailable: 7 * 2 ** 30, containerCount: 0 },
    });
  }

  /** Starts claiming and executing tasks; an agent never started leaves its tasks pending. */
  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          const claimed = (await this.expectOk('POST', `/api/v1/agents/${this.options.hostId}/tasks/claim?wait=1`, {
            agentSession: this.session,
            max: 4,
          })) as { tasks: AgentTaskDocument[] };
          await Promise.all(claimed.tasks.map((task) => this.execute(task)));
        } catch (error) {
          if (!this.running) return;
          throw error;
        }
      }
    })();
  }

  private async execute(task: AgentTaskDocument): Promise<void> {
    const path = `/api/v1/tasks/${encodeURIComponent(task['@id'])}/status`;
    const leaseToken = task.lease?.token;
    await this.expectOk('PUT', path, { status: 'running', leaseToken, progress: { phase: 'creating' } });
    const outcome = this.options.decide?.(task) ?? { complete: true };
    if ('fail' in outcome) {
      await this.expectOk('PUT', path, { status: 'failed', leaseToken, error: outcome.fail });
      return;
    }
    const ports =
      task.payload.kind === 'deploy'
        ? task.payload.containerSpec.ports.map((p, i) => ({ containerPort: p.containerPort, hostPort: p.hostPort ?? 32768 + i, protocol: p.protocol }))
        : [];
    await this.expectOk('PUT', path, {
      status: 'completed',
      leaseToken,
      result: { containerId: `c0ffee${task.containerName}`, ports, state: task.taskType === 'stop' ? 'exited' : 'running' },
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop?.catch(() => undefined);
  }
}
