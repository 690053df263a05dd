/**
 * Follows one database's `_changes` feed, so every controller replica sees every write (its own and the
 * others'). Built on plain longpoll requests because of what STORE-NOTES measured: nano's changesAsStream
 * kills the process when the connection drops, and express-pouchdb's longpoll ignores `?timeout=` (it waits
 * until a change comes). So each request carries our own AbortSignal, bounded by `pollMs`; the sequence is
 * kept as the opaque value the store gave (never compared or computed); errors are logged and retried with
 * back-off; nothing here ever throws into the process. Delivery is at least once: a batch is handed over
 * before its `last_seq` is taken, so a change may be seen twice after a failure, never missed.
 */
import type { Logger } from 'pino';
import type { Couch, DatabaseName } from './couch.js';

export interface ChangeFollowerOptions {
  couch: Couch;
  db: DatabaseName;
  log: Logger;
  /** Receives the changed documents (with `_conflicts` when a stored conflict exists), in feed order. */
  onChanges(docs: Record<string, unknown>[]): void;
  /** Longest one longpoll is held before it is asked again. Default 25,000 ms. */
  pollMs?: number;
  /** Most changes in one answer. Default 500. */
  batchSize?: number;
  /**
   * Pause after an answer that brought changes, before asking again, so writes arriving one by one are
   * fetched together (each answer is a request on both sides). Default 0. Delays what this replica learns
   * of others' writes by at most this much; its own writes it knows at once.
   */
  settleMs?: number;
  /** Back-off after an error: starts here, doubles up to maxBackoffMs. Default 250 ms. */
  minBackoffMs?: number;
  /** Default 10,000 ms. */
  maxBackoffMs?: number;
}

interface ChangesAnswer {
  results?: { id?: string; doc?: Record<string, unknown> | null; deleted?: boolean }[];
  last_seq?: unknown;
}

export class ChangeFollower {
  /** Where the feed continues; undefined until the store told us its current end. */
  private since: unknown;
  private running = false;
  private request: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private wakeBackoff: (() => void) | undefined;

  constructor(private readonly options: ChangeFollowerOptions) {}

  /** Starts at the current end of the feed: what was written before start() is not replayed. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.since = undefined;
    try {
      this.since = await this.currentEnd();
    } catch (error) {
      // The loop keeps asking, with back-off: a store that comes late is followed from when it answers.
      this.options.log.warn({ event: 'changes.start_failed', db: this.options.db, err: error });
    }
    this.loop = this.follow();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.request?.abort();
    this.wakeBackoff?.();
    await this.loop;
    this.loop = undefined;
  }

  private async follow(): Promise<void> {
    const { log, db } = this.options;
    let backoff = this.options.minBackoffMs ?? 250;
    while (this.running) {
      try {
        if (this.since === undefined) {
          this.since = await this.currentEnd();
          continue;
        }
        const answer = await this.poll();
        backoff = this.options.minBackoffMs ?? 250;
        if (answer === undefined) continue; // our own time limit cut the request: ask again
        const docs = (answer.results ?? []).flatMap((change) => (change.doc ? [change.doc] : []));
        if (docs.length > 0) this.deliver(docs);
        if (answer.last_seq !== undefined && answer.last_seq !== null) this.since = answer.last_seq;
        const settleMs = this.options.settleMs ?? 0;
        if (docs.length > 0 && settleMs > 0 && this.running) await this.sleep(settleMs);
      } catch (error) {
        if (!this.running) break;
        log.warn({ event: 'changes.error', db, err: error, retryInMs: backoff }, 'changes feed failed; retrying');
        await this.sleep(backoff * (0.75 + Math.random() * 0.5));
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs ?? 10_000);
      }
    }
  }

  private async currentEnd(): Promise<unknown> {
    const info = await this.options.couch.db[this.options.db].info();
    return info.update_seq;
  }

  /** One longpoll. undefined when the answer was cut short by our own limit or by stop(). */
  private async poll(): Promise<ChangesAnswer | undefined> {
    const pollMs = this.options.pollMs ?? 25_000;
    const controller = new AbortController();
    this.request = controller;
    // A real CouchDB answers at `timeout`; the embedded store does not, so the abort is the real bound.
    const limit = setTimeout(() => controller.abort(), pollMs + 2_000);
    try {
      const answer: unknown = await this.options.couch.server.relax({
        db: this.options.couch.names[this.options.db],
        path: '_changes',
        qs: {
          feed: 'longpoll',
          since: this.since,
          timeout: pollMs,
          include_docs: true,
          conflicts: true,
          limit: this.options.batchSize ?? 500,
        },
        signal: controller.signal,
      } as Parameters<Couch['server']['relax']>[0]);
      // nano answers '' when the body was cut off after the headers arrived.
      if (typeof answer !== 'object' || answer === null) return undefined;
      return answer as ChangesAnswer;
    } catch (error) {
      if (controller.signal.aborted) return undefined;
      throw error;
    } finally {
      clearTimeout(limit);
      this.request = undefined;
    }
  }

  private deliver(docs: Record<string, unknown>[]): void {
    try {
      this.options.onChanges(docs);
    } catch (error) {
      this.options.log.error({ event: 'changes.listener_failed', db: this.options.db, err: error });
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeBackoff = done;
    });
  }
}
