/**
 * A stand-in controller for the agent's unit tests: a real HTTP server on loopback speaking the agent API of
 * DESIGN.md §9 (register, heartbeat, long-poll claim, status with lease fencing), with knobs to lose a
 * lease, take over the session, answer 503, or go away entirely and come back on the same port.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentTaskDocument, ClaimRequest, HeartbeatRequest, RegisterAgentRequest, TaskStatusUpdate } from '@graphium/shared';

export interface ReportRecord {
  taskId: string;
  update: TaskStatusUpdate;
  status: number;
  at: number;
}

interface Waiter {
  max: number;
  resolve: (tasks: AgentTaskDocument[]) => void;
  timer: NodeJS.Timeout;
}

export class FakeController {
  readonly token = 'agent-token';
  readonly registrations: RegisterAgentRequest[] = [];
  readonly heartbeats: HeartbeatRequest[] = [];
  readonly claims: Array<ClaimRequest & { at: number }> = [];
  readonly reports: ReportRecord[] = [];
  /** Requests answered with 503 while unavailable. */
  unavailableHits = 0;
  heartbeatIntervalSeconds = 1;
  leaseSeconds = 3;
  private session = '';
  private sessions = 0;
  private readonly queue: AgentTaskDocument[] = [];
  private readonly leases = new Map<string, string>();
  private waiters: Waiter[] = [];
  private unavailable = false;
  private server: Server | undefined;
  private port = 0;

  static async start(): Promise<FakeController> {
    const controller = new FakeController();
    await controller.listen();
    return controller;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get currentSession(): string {
    return this.session;
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Gone: connections are refused until restart(). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const waiter of this.waiters.splice(0)) clearTimeout(waiter.timer);
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restart(): Promise<void> {
    await this.listen();
  }

  async close(): Promise<void> {
    await this.stop();
  }

  setUnavailable(unavailable: boolean): void {
    this.unavailable = unavailable;
  }

  /** Queues a task for the host; it is claimed with a fresh lease by the next long-poll. */
  enqueue(task: AgentTaskDocument): void {
    this.queue.push(task);
    this.deliver();
  }

  /** The sweeper took the task back (or another agent has it now): its lease token stops working. */
  revokeLease(taskId: string): void {
    this.leases.set(taskId, `revoked-${randomBytes(4).toString('hex')}`);
  }

  /** Another agent process registered for this host. */
  takeOverSession(): void {
    this.session = `someone-else-${++this.sessions}`;
  }

  reportsOf(taskId: string): ReportRecord[] {
    return this.reports.filter((r) => r.taskId === taskId);
  }

  finalReportOf(taskId: string): ReportRecord | undefined {
    return this.reportsOf(taskId).find((r) => r.update.status !== 'running' && r.status === 200);
  }

  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`fake controller: condition not met within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private claimable(max: number): AgentTaskDocument[] {
    const tasks = this.queue.splice(0, max);
    return tasks.map((task) => {
      const token = `lease-${randomBytes(6).toString('hex')}`;
      this.leases.set(task['@id'], token);
      const expiresAt = new Date(Date.now() + this.leaseSeconds * 1000).toISOString();
      return { ...task, status: 'claimed', lease: { token, agentSession: this.session, expiresAt } };
    });
  }

  private deliver(): void {
    while (this.queue.length > 0 && this.waiters.length > 0) {
      const waiter = this.waiters.shift()!;
      clearTimeout(waiter.timer);
      waiter.resolve(this.claimable(waiter.max));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const fail = (status: number, code: string, message: string) => send(status, { error: { code, message } });
    if (this.unavailable) {
      this.unavailableHits += 1;
      return fail(503, 'STORE_UNAVAILABLE', 'store unavailable');
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) return fail(401, 'UNAUTHENTICATED', 'bad token');
    const url = new URL(req.url ?? '/', this.url);
    let match: RegExpExecArray | null;
    if ((match = /^\/api\/v1\/agents\/([^/]+)\/register$/.exec(url.pathname))) {
      this.registrations.push(body as unknown as RegisterAgentRequest);
      this.session = `session-${++this.sessions}`;
      return send(200, { hostId: decodeURIComponent(match[1]!), agentSession: this.session, heartbeatIntervalSeconds: this.heartbeatIntervalSeconds, leaseSeconds: this.leaseSeconds });
    }
    if (/^\/api\/v1\/agents\/[^/]+\/heartbeat$/.test(url.pathname)) {
      if (body.agentSession !== this.session) return fail(409, 'AGENT_SESSION_CONFLICT', 'another agent registered');
      this.heartbeats.push(body as unknown as HeartbeatRequest);
      return send(200, {});
    }
    if (/^\/api\/v1\/agents\/[^/]+\/tasks\/claim$/.test(url.pathname)) {
      const claim = body as unknown as ClaimRequest;
      if (claim.agentSession !== this.session) return fail(409, 'AGENT_SESSION_CONFLICT', 'another agent registered');
      this.claims.push({ ...claim, at: Date.now() });
      const ready = this.claimable(claim.max);
      const waitMs = Number(url.searchParams.get('wait') ?? 0) * 1000;
      if (ready.length > 0 || waitMs === 0) return send(200, { tasks: ready });
      const tasks = await new Promise<AgentTaskDocument[]>((resolve) => {
        const waiter: Waiter = { max: claim.max, resolve, timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve([]);
        }, waitMs) };
        this.waiters.push(waiter);
        res.once('close', () => {
          if (this.waiters.includes(waiter)) {
            clearTimeout(waiter.timer);
            this.waiters = this.waiters.filter((w) => w !== waiter);
          }
        });
      });
      return send(200, { tasks });
    }
    if ((match = /^\/api\/v1\/tasks\/([^/]+)\/status$/.exec(url.pathname))) {
      const taskId = decodeURIComponent(match[1]!);
      const update = body as unknown as TaskStatusUpdate;
      const held = this.leases.get(taskId);
      const status = held !== undefined && held === update.leaseToken ? 200 : 409;
      this.reports.push({ taskId, update, status, at: Date.now() });
      if (status === 409) return fail(409, 'TASK_LEASE_LOST', `the lease on ${taskId} is no longer yours`);
      if (update.status !== 'running') this.leases.delete(taskId);
      return send(200, {});
    }
    return fail(404, 'NOT_FOUND', `no route ${req.method} ${url.pathname}`);
  }
}
