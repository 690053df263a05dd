/**
 * A server-sent-events response: `id:` / `event:` / `data:` frames, a comment line at an interval so idle
 * streams survive proxies and dead clients are noticed, and one `close` that runs when the client leaves,
 * when the server shuts down, or when the caller ends the stream — whichever comes first.
 */
import type { Response } from 'express';
import { atShutdown } from './atShutdown.js';

export interface EventStreamOptions {
  heartbeatMs: number;
  /** Ends the stream (server shutdown). */
  shutdown?: AbortSignal | undefined;
  /** Reconnection delay the browser's EventSource should use, in ms. Default 3000. */
  retryMs?: number | undefined;
  /**
   * A client that stops reading is cut off once this much is queued for it (default 1 MiB), instead of
   * growing the server's memory; it reconnects with Last-Event-ID and gets the replay.
   */
  maxBufferedBytes?: number | undefined;
}

export class EventStream {
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly closers: Array<() => void> = [];
  private readonly onShutdown = (): void => this.close();
  private readonly maxBufferedBytes: number;

  constructor(
    private readonly res: Response,
    options: EventStreamOptions,
  ) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('connection', 'keep-alive');
    // nginx and friends buffer responses unless told not to.
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.write(`retry: ${options.retryMs ?? 3000}\n\n`);

    this.heartbeat = setInterval(() => this.comment('ping'), options.heartbeatMs);
    this.heartbeat.unref();
    res.on('close', () => this.close());
    if (options.shutdown?.aborted === true) queueMicrotask(() => this.close());
    if (options.shutdown !== undefined) this.closers.push(atShutdown(options.shutdown, this.onShutdown));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(frame: { id?: string | undefined; event: string; data: unknown }): void {
    if (this.closed) return;
    // JSON.stringify never emits a raw newline, so `data:` stays one line; ids and names come from us.
    const id = frame.id === undefined ? '' : `id: ${frame.id.replace(/[\r\n]/g, '')}\n`;
    this.res.write(`${id}event: ${frame.event}\ndata: ${JSON.stringify(frame.data)}\n\n`);
    if (this.res.writableLength > this.maxBufferedBytes) {
      // Ending politely would wait for a reader that is not reading: drop the connection.
      this.close();
      this.res.destroy();
    }
  }

  comment(text: string): void {
    if (!this.closed) this.res.write(`: ${text}\n\n`);
  }

  /** Registers cleanup (unsubscribe, …) run once when the stream closes. */
  onClose(closer: () => void): void {
    if (this.closed) closer();
    else this.closers.push(closer);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const closer of this.closers.splice(0)) closer();
    if (!this.res.writableEnded) this.res.end();
  }
}
