/**
 * Every status write of one claimed task, each proving ownership with the lease token (STYLE.md rule 7).
 * Progress goes out as soon as it changes, latest wins (a slow controller sees the newest phase, not a
 * backlog); a timer repeats it every leaseSeconds/3, which renews the lease. A TASK_LEASE_LOST answer means
 * the task is someone else's now: the reporter goes quiet and tells its owner. The final report is retried
 * through outages until the controller answers or the agent gives up on it.
 */
import type { TaskProgress, TaskStatusUpdate } from '@graphium/shared';
import type { Logger } from 'pino';
import type { ControllerClient } from '../controller/controllerClient.js';
import { isControllerError, isUnreachable } from '../controller/controllerError.js';
import { Backoff } from './backoff.js';
import { pause } from './waiting.js';
import type { RetryPolicy } from '@graphium/shared';

export type FinalOutcome = 'reported' | 'lease-lost' | 'abandoned';

export interface TaskReporterOptions {
  client: Pick<ControllerClient, 'report'>;
  taskId: string;
  leaseToken: string;
  renewEveryMs: number;
  log: Logger;
  /** Called once when the controller says the lease is gone. */
  onLeaseLost: () => void;
  retryPolicy?: Readonly<RetryPolicy>;
}

export class TaskReporter {
  private latest: TaskProgress | undefined;
  private dirty = false;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lost = false;
  private finished = false;

  constructor(private readonly options: TaskReporterOptions) {}

  get leaseLost(): boolean {
    return this.lost;
  }

  /** Marks the task running and starts renewing its lease. */
  start(): void {
    this.dirty = true;
    this.flush();
    this.timer = setInterval(() => {
      this.dirty = true;
      this.flush();
    }, this.options.renewEveryMs);
  }

  progress(progress: TaskProgress): void {
    if (this.finished) return;
    this.latest = progress;
    this.dirty = true;
    this.flush();
  }

  private flush(): void {
    if (this.inFlight !== undefined || !this.dirty || this.lost || this.finished) return;
    this.dirty = false;
    const update: TaskStatusUpdate = {
      status: 'running',
      leaseToken: this.options.leaseToken,
      ...(this.latest === undefined ? {} : { progress: this.latest }),
    };
    this.inFlight = this.send(update).finally(() => {
      this.inFlight = undefined;
      this.flush();
    });
  }

  private async send(update: TaskStatusUpdate): Promise<void> {
    try {
      await this.options.client.report(this.options.taskId, update);
    } catch (error) {
      if (isControllerError(error, 'TASK_LEASE_LOST')) this.markLost();
      else this.options.log.warn({ event: 'task.report_failed', status: update.status, err: error });
      // Unreachable: the next tick renews; the lease outlives a few missed renewals.
    }
  }

  private markLost(): void {
    if (this.lost) return;
    this.lost = true;
    this.stopTimer();
    this.options.log.warn({ event: 'task.lease_lost' });
    this.options.onLeaseLost();
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Sends the final status (completed, failed or released). Retries while the controller is unreachable,
   * until `giveUp` fires; a rejection other than a lost lease is logged and not retried.
   */
  async finish(update: TaskStatusUpdate, giveUp?: AbortSignal): Promise<FinalOutcome> {
    this.finished = true;
    this.stopTimer();
    await this.inFlight;
    if (this.lost) return 'lease-lost';
    const backoff = new Backoff(this.options.retryPolicy);
    for (;;) {
      try {
        await this.options.client.report(this.options.taskId, update);
        return 'reported';
      } catch (error) {
        if (isControllerError(error, 'TASK_LEASE_LOST')) {
          this.markLost();
          return 'lease-lost';
        }
        if (!isUnreachable(error)) {
          this.options.log.error({ event: 'task.report_rejected', status: update.status, err: error });
          return 'abandoned';
        }
        const delay = backoff.nextDelayMs();
        this.options.log.warn({ event: 'task.report_retry', status: update.status, delayMs: delay, err: error });
        if (!(await pause(delay, giveUp))) return 'abandoned';
      }
    }
  }

  /** Silences the reporter without a final word (the agent is exiting at once). */
  dispose(): void {
    this.finished = true;
    this.stopTimer();
  }
}
