/**
 * The agent's main loop as an explicit state machine (agentState.ts): register, long-poll the queue for as
 * many tasks as there are free slots, run them concurrently, and on the first signal drain. Heartbeats run
 * on their own timer (heartbeater.ts) and each task reports for itself (taskRun.ts); the loop only decides
 * what to do next. Anything that must interrupt a wait (a drain, a lost session) aborts `interrupt`.
 *
 * The controller being unreachable never touches the containers: the loop backs off with jitter and
 * resumes; tasks in hand keep running and keep trying to report.
 */
import { agentTaskDocument, type RetryPolicy } from '@graphium/shared';
import type { Logger } from 'pino';
import type { ControllerClient } from '../controller/controllerClient.js';
import { isControllerError, isFatal, isUnreachable } from '../controller/controllerError.js';
import type { DockerPort } from '../docker/port.js';
import type { HostPolicy } from '../executors/hostPolicy.js';
import { registrationOf, type HostIdentity } from '../host/hostFacts.js';
import { wildcardListeners } from '../host/listeningPorts.js';
import { LoadSampler } from '../host/loadSampler.js';
import { canMove, type AgentState } from './agentState.js';
import { Backoff } from './backoff.js';
import { Heartbeater } from './heartbeater.js';
import { TaskRun } from './taskRun.js';
import { pause, settleWithin } from './waiting.js';

export interface AgentLoopOptions {
  identity: HostIdentity;
  /** Tasks run at once. Default 4. */
  concurrency: number;
  /** Long-poll wait asked of the controller. Default 30 s. */
  claimWaitSeconds: number;
  /** How long a drain lets running tasks finish before releasing them. Default 30 s. */
  drainTimeoutMs: number;
  settleMs?: number | undefined;
  /** Back-off while the controller is unreachable. Default RECONNECT_POLICY. */
  retryPolicy?: Readonly<RetryPolicy> | undefined;
}

export interface AgentLoopDeps {
  client: Pick<ControllerClient, 'register' | 'heartbeat' | 'claim' | 'report'>;
  docker: DockerPort;
  policy: HostPolicy;
  log: Logger;
  sampler?: LoadSampler;
  /** Host ports taken outside Docker; default: wildcard listeners of this machine. */
  localListeners?: () => number[];
  onStateChange?: (from: AgentState, to: AgentState) => void;
}

export class AgentLoop {
  private current: AgentState = 'starting';
  private session: { agentSession: string; leaseSeconds: number } | undefined;
  private readonly runs = new Map<string, TaskRun>();
  private readonly backoff: Backoff;
  private readonly heartbeater: Heartbeater;
  private readonly giveUp = new AbortController();
  private interrupt = new AbortController();
  private slotWaiters: Array<() => void> = [];
  private drainRequested = false;
  private needsRegister = false;

  constructor(
    private readonly options: AgentLoopOptions,
    private readonly deps: AgentLoopDeps,
  ) {
    this.backoff = new Backoff(options.retryPolicy);
    this.heartbeater = new Heartbeater({
      client: deps.client,
      docker: deps.docker,
      sampler: deps.sampler ?? new LoadSampler(),
      localListeners: deps.localListeners ?? wildcardListeners,
      log: deps.log,
      onSessionLost: (reason) => this.sessionLost(reason),
    });
  }

  get state(): AgentState {
    return this.current;
  }

  /** Ids of the tasks in hand. */
  get holding(): string[] {
    return [...this.runs.keys()];
  }

  /** Runs until drained. Rejects only when retrying cannot help (the controller refuses the credentials). */
  async run(): Promise<void> {
    try {
      while (this.current !== 'stopped') {
        if (this.drainRequested && this.current !== 'draining') this.move('draining');
        switch (this.current) {
          case 'starting':
            await this.register();
            break;
          case 'polling':
            await this.poll();
            break;
          case 'running':
            await this.awaitSlot();
            break;
          case 'draining':
            await this.drainTasks();
            break;
        }
      }
    } finally {
      this.heartbeater.stop();
    }
  }

  /** First signal: stop claiming, let running tasks finish (bounded), release the rest, stop. */
  drain(): void {
    if (this.drainRequested) return;
    this.drainRequested = true;
    this.deps.log.info({ event: 'agent.drain_requested', inFlight: this.runs.size });
    this.kick();
  }

  private move(to: AgentState): void {
    const from = this.current;
    if (from === to) return;
    if (!canMove(from, to)) throw new Error(`agent loop: no move from ${from} to ${to}`);
    this.current = to;
    this.deps.log.debug({ event: 'agent.state', from, to });
    this.deps.onStateChange?.(from, to);
  }

  /** Cuts short whatever the loop is waiting on. */
  private kick(): void {
    const previous = this.interrupt;
    this.interrupt = new AbortController();
    previous.abort();
    for (const wake of this.slotWaiters.splice(0)) wake();
  }

  private sessionLost(reason: string): void {
    if (this.needsRegister || this.drainRequested) return;
    this.deps.log.warn({ event: 'agent.session_lost', reason });
    this.needsRegister = true;
    this.kick();
  }

  private async register(): Promise<void> {
    this.heartbeater.stop();
    const signal = this.interrupt.signal;
    try {
      const engine = await this.deps.docker.info();
      const response = await this.deps.client.register(registrationOf(this.options.identity, engine));
      this.session = { agentSession: response.agentSession, leaseSeconds: response.leaseSeconds };
      this.needsRegister = false;
      this.backoff.reset();
      this.deps.log.info({
        event: 'agent.registered',
        agentSession: response.agentSession,
        heartbeatIntervalSeconds: response.heartbeatIntervalSeconds,
        leaseSeconds: response.leaseSeconds,
        dockerVersion: engine.serverVersion,
      });
      this.heartbeater.start(response.agentSession, response.heartbeatIntervalSeconds * 1000);
      this.move('polling');
    } catch (error) {
      if (isFatal(error)) throw error;
      const delayMs = this.backoff.nextDelayMs();
      this.deps.log.warn({ event: 'agent.register_failed', delayMs, failures: this.backoff.failures, err: error });
      await pause(delayMs, signal);
    }
  }

  private async poll(): Promise<void> {
    if (this.needsRegister || this.session === undefined) {
      this.move('starting');
      return;
    }
    const free = this.options.concurrency - this.runs.size;
    if (free <= 0) {
      this.move('running');
      return;
    }
    const signal = this.interrupt.signal;
    try {
      const tasks = await this.deps.client.claim(
        { agentSession: this.session.agentSession, max: free, holding: this.holding },
        this.options.claimWaitSeconds,
        signal,
      );
      if (this.backoff.failures > 0) this.deps.log.info({ event: 'controller.reachable' });
      this.backoff.reset();
      for (const raw of tasks) this.accept(raw);
    } catch (error) {
      if (signal.aborted) return; // drained or session lost: the next turn decides
      if (isControllerError(error, 'AGENT_SESSION_CONFLICT') || isControllerError(error, 'NOT_FOUND')) {
        this.sessionLost((error as Error).message);
        return;
      }
      if (isFatal(error)) throw error;
      const delayMs = this.backoff.nextDelayMs();
      const event = isUnreachable(error) ? 'controller.unreachable' : 'claim.rejected';
      this.deps.log.warn({ event, delayMs, failures: this.backoff.failures, err: error });
      await pause(delayMs, signal);
    }
  }

  private accept(raw: unknown): void {
    const parsed = agentTaskDocument.safeParse(raw);
    if (!parsed.success) {
      void this.refuseUnreadable(raw, parsed.error.message);
      return;
    }
    const task = parsed.data;
    const id = task['@id'];
    if (this.runs.has(id)) return; // handed again while we work on it
    this.deps.log.info({ event: 'task.claimed', taskId: id, taskType: task.taskType, container: task.containerName, attempt: task.attempt });
    const run = new TaskRun(task, {
      client: this.deps.client,
      docker: this.deps.docker,
      policy: this.deps.policy,
      log: this.deps.log,
      renewEveryMs: Math.max(100, ((this.session?.leaseSeconds ?? 60) * 1000) / 3),
      settleMs: this.options.settleMs,
      retryPolicy: this.options.retryPolicy,
      giveUp: this.giveUp.signal,
    });
    this.runs.set(id, run);
    void run.done.finally(() => {
      this.runs.delete(id);
      for (const wake of this.slotWaiters.splice(0)) wake();
    });
  }

  /** A task this agent cannot even read fails permanently, so it does not come back to every agent. */
  private async refuseUnreadable(raw: unknown, problem: string): Promise<void> {
    const candidate = (raw ?? {}) as { '@id'?: unknown; lease?: { token?: unknown } };
    const id = typeof candidate['@id'] === 'string' ? candidate['@id'] : undefined;
    const token = typeof candidate.lease?.token === 'string' ? candidate.lease.token : undefined;
    this.deps.log.error({ event: 'task.unreadable', taskId: id, problem });
    if (id === undefined || token === undefined) return;
    try {
      await this.deps.client.report(id, {
        status: 'failed',
        leaseToken: token,
        error: { code: 'SPEC_INVALID', message: `the agent cannot read this task: ${problem}`, retryable: false },
      });
    } catch (error) {
      this.deps.log.warn({ event: 'task.report_failed', taskId: id, err: error });
    }
  }

  private async awaitSlot(): Promise<void> {
    if (this.needsRegister) {
      this.move('starting');
      return;
    }
    if (this.runs.size < this.options.concurrency) {
      this.move('polling');
      return;
    }
    await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
  }

  private async drainTasks(): Promise<void> {
    const inFlight = [...this.runs.values()];
    this.deps.log.info({ event: 'agent.draining', inFlight: inFlight.length, drainTimeoutMs: this.options.drainTimeoutMs });
    await settleWithin(
      inFlight.map((run) => run.done),
      this.options.drainTimeoutMs,
    );
    const left = [...this.runs.values()];
    if (left.length > 0) {
      this.deps.log.warn({ event: 'agent.releasing', tasks: left.map((run) => run.id) });
      await Promise.allSettled(left.map((run) => run.release()));
    }
    // Final reports still retrying through an outage stop here; their leases expire and the sweeper requeues.
    this.giveUp.abort();
    await settleWithin(
      left.map((run) => run.done),
      1_000,
    );
    this.heartbeater.stop();
    await this.heartbeater.settle();
    this.deps.log.info({ event: 'agent.stopped' });
    this.move('stopped');
  }
}
