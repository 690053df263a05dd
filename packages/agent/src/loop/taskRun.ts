/**
 * One claimed task from start to its last word: it runs the executor under the task's timeout, keeps the
 * lease alive through the reporter, and ends completed, failed or released — or silent, when the lease was
 * lost and the task belongs to someone else (its result is dropped, never written over their claim).
 */
import type { AgentTaskDocument, RetryPolicy, TaskStatusUpdate } from '@graphium/shared';
import type { Logger } from 'pino';
import type { ControllerClient } from '../controller/controllerClient.js';
import type { DockerPort } from '../docker/port.js';
import { executeTask } from '../executors/executeTask.js';
import type { HostPolicy } from '../executors/hostPolicy.js';
import { asTaskFailure, TaskFailure } from '../executors/taskFailure.js';
import { TaskReporter } from './taskReporter.js';

export interface TaskRunDeps {
  client: Pick<ControllerClient, 'report'>;
  docker: DockerPort;
  policy: HostPolicy;
  log: Logger;
  renewEveryMs: number;
  settleMs?: number | undefined;
  retryPolicy?: Readonly<RetryPolicy> | undefined;
  /** Fires when the agent stops waiting for final reports (its hard shutdown deadline). */
  giveUp: AbortSignal;
}

/** How long a release may take to reach the controller before the agent exits anyway. */
const RELEASE_REPORT_MS = 5_000;

export class TaskRun {
  readonly id: string;
  readonly done: Promise<void>;
  private readonly abort = new AbortController();
  private readonly reporter: TaskReporter;
  private readonly log: Logger;
  private releasing = false;
  /** The executor has returned: only the final report is left, and a release would come too late. */
  private executed = false;

  constructor(
    private readonly task: AgentTaskDocument,
    private readonly deps: TaskRunDeps,
  ) {
    this.id = task['@id'];
    this.log = deps.log.child({ taskId: this.id, stackId: task.stackId, attempt: task.attempt, taskType: task.taskType });
    this.reporter = new TaskReporter({
      client: deps.client,
      taskId: this.id,
      leaseToken: this.leaseToken,
      renewEveryMs: deps.renewEveryMs,
      log: this.log,
      onLeaseLost: () => this.abort.abort(new Error('the lease on this task was lost')),
      ...(deps.retryPolicy === undefined ? {} : { retryPolicy: deps.retryPolicy }),
    });
    this.done = this.execute();
  }

  private get leaseToken(): string {
    return this.task.lease?.token ?? '';
  }

  private async execute(): Promise<void> {
    const timeout = setTimeout(
      () => this.abort.abort(new TaskFailure('TIMEOUT', `the task ran longer than its ${this.task.timeoutSeconds} s`)),
      this.task.timeoutSeconds * 1000,
    );
    // The task's own work keeps the process busy; its deadline alone must not keep a stopped agent alive.
    timeout.unref();
    this.log.info({ event: 'task.started', container: this.task.containerName });
    this.reporter.start();
    let update: TaskStatusUpdate;
    try {
      const result = await executeTask(this.task, {
        docker: this.deps.docker,
        policy: this.deps.policy,
        log: this.log,
        signal: this.abort.signal,
        progress: (progress) => this.reporter.progress(progress),
        settleMs: this.deps.settleMs,
      });
      update = { status: 'completed', leaseToken: this.leaseToken, result };
    } catch (error) {
      update = { status: 'failed', leaseToken: this.leaseToken, error: asTaskFailure(error, this.abort.signal).toTaskError() };
    } finally {
      clearTimeout(timeout);
      this.executed = true;
    }
    if (this.releasing) return; // release() spoke for the task already
    if (this.reporter.leaseLost) {
      this.log.warn({ event: 'task.result_dropped', status: update.status });
      return;
    }
    const outcome = await this.reporter.finish(update, this.deps.giveUp);
    const event = update.status === 'completed' ? 'task.completed' : 'task.failed';
    const detail = update.status === 'failed' ? { code: update.error.code, retryable: update.error.retryable, message: update.error.message } : {};
    this.log.info({ event, outcome, ...detail });
  }

  /** Hands the task back unfinished: the executor is told to stop, and whatever it ends with is ignored. */
  async release(): Promise<void> {
    if (this.releasing || this.executed) return;
    this.releasing = true;
    this.abort.abort(new Error('released: the agent is shutting down'));
    const outcome = await this.reporter.finish({ status: 'released', leaseToken: this.leaseToken }, AbortSignal.timeout(RELEASE_REPORT_MS));
    this.log.info({ event: 'task.released', outcome });
  }
}
