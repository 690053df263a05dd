import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import { EventStream } from '../../src/http/eventStream.js';

/** Just enough of a response to watch what the stream writes and when it gives up. */
class FakeResponse extends EventEmitter {
  written: string[] = [];
  headers: Record<string, string> = {};
  writableLength = 0;
  writableEnded = false;
  destroyed = false;
  statusCode = 0;
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
  flushHeaders(): void {}
  write(chunk: string): boolean {
    this.written.push(chunk);
    return true;
  }
  end(): void {
    this.writableEnded = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

function open(options: Partial<ConstructorParameters<typeof EventStream>[1]> = {}) {
  const res = new FakeResponse();
  const stream = new EventStream(res as unknown as Response, { heartbeatMs: 60_000, ...options });
  return { res, stream };
}

describe('EventStream', () => {
  it('writes the retry hint, then id / event / data frames on one line each', () => {
    const { res, stream } = open();
    stream.send({ id: 'event:1', event: 'host_online', data: { text: 'two\nlines' } });
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.written).toEqual(['retry: 3000\n\n', 'id: event:1\nevent: host_online\ndata: {"text":"two\\nlines"}\n\n']);
    stream.close();
  });

  it('cuts off a client that stops reading instead of queueing without bound', () => {
    const { res, stream } = open({ maxBufferedBytes: 100 });
    const closed = jest.fn();
    stream.onClose(closed);
    stream.send({ event: 'task_updated', data: {} });
    expect(res.destroyed).toBe(false);
    res.writableLength = 101;
    stream.send({ event: 'task_updated', data: {} });
    expect(res.destroyed).toBe(true);
    expect(stream.isClosed).toBe(true);
    expect(closed).toHaveBeenCalledTimes(1);
    stream.send({ event: 'task_updated', data: {} });
    expect(res.written).toHaveLength(3);
  });

  it('runs its closers once, whichever of client, shutdown or caller ends it first', () => {
    const shutdown = new AbortController();
    const { res, stream } = open({ shutdown: shutdown.signal });
    const closed = jest.fn();
    stream.onClose(closed);
    shutdown.abort();
    res.emit('close');
    stream.close();
    expect(closed).toHaveBeenCalledTimes(1);
    expect(res.writableEnded).toBe(true);
    const late = jest.fn();
    stream.onClose(late);
    expect(late).toHaveBeenCalledTimes(1);
  });
});
