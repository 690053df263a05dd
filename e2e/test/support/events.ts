/**
 * Collects the controller's live events (GET /api/v1/events, server-sent events) as they arrive, each with
 * the moment it was received, so a test can check what was reported and that it came while it happened.
 */
import { deploymentEvent, type DeploymentEvent, type EventType } from '../../../packages/shared/src/index';

export interface ReceivedEvent {
  /** The SSE `event:` field, the event's type. */
  type: EventType;
  id: string | undefined;
  event: DeploymentEvent;
  /** Date.now() when the frame was read. */
  receivedAt: number;
}

export interface EventQuery {
  stackId?: string;
  hostId?: string;
  /** Event types to receive; all when absent. */
  types?: EventType[];
}

export class EventCollector {
  readonly received: ReceivedEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly abort = new AbortController();
  private reading: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  private constructor() {}

  /** Resolves once the stream is open (response headers in), so nothing that happens after is missed. */
  static async open(baseUrl: string, token: string, query: EventQuery = {}): Promise<EventCollector> {
    const collector = new EventCollector();
    const params = new URLSearchParams();
    if (query.stackId !== undefined) params.set('stackId', query.stackId);
    if (query.hostId !== undefined) params.set('hostId', query.hostId);
    if (query.types !== undefined) params.set('types', query.types.join(','));
    const response = await fetch(new URL(`/api/v1/events?${params}`, baseUrl), {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      signal: collector.abort.signal,
    });
    if (response.status !== 200 || response.body === null) {
      throw new Error(`GET /api/v1/events → ${response.status} ${await response.text()}`);
    }
    collector.reading = collector.read(response.body);
    return collector;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.frame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (error) {
      if (!this.abort.signal.aborted) this.failure = error as Error;
    } finally {
      this.wake();
    }
  }

  private frame(text: string): void {
    let type: string | undefined;
    let id: string | undefined;
    const data: string[] = [];
    for (const line of text.split('\n')) {
      if (line.startsWith(':')) continue; // comment / heartbeat
      const at = line.indexOf(':');
      const field = at < 0 ? line : line.slice(0, at);
      const value = at < 0 ? '' : line.slice(at + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    const event = deploymentEvent.parse(JSON.parse(data.join('\n')));
    this.received.push({ type: (type ?? event.type) as EventType, id, event, receivedAt: Date.now() });
    this.wake();
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
  }

  /** Event types in arrival order, optionally only those of one task or matching a filter. */
  types(filter: (e: ReceivedEvent) => boolean = () => true): EventType[] {
    return this.received.filter(filter).map((e) => e.type);
  }

  /** Waits until an event matching `predicate` has arrived (earlier ones count) and returns it. */
  waitFor(predicate: (e: ReceivedEvent) => boolean, timeoutMs = 30_000, what = 'a matching event'): Promise<ReceivedEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.received.find(predicate);
        if (found !== undefined) {
          finish();
          resolve(found);
        } else if (this.failure !== undefined) {
          finish();
          reject(this.failure);
        }
      };
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no ${what} within ${timeoutMs} ms; received: ${this.types().join(', ') || '(nothing)'}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.reading;
  }
}
