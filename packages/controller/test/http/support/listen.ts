/** A real loopback listener around the app's listener, for what injection cannot show: streams and hang-ups. */
import { createServer, request, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  close(): Promise<void>;
}

export async function listen(handle: RequestListener): Promise<Listening> {
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface SseFrame {
  id?: string;
  event?: string;
  data?: unknown;
  comment?: string;
}

/** An open event stream: frames as they arrive, and a way to hang up. */
export class SseClient {
  readonly frames: SseFrame[] = [];
  ended = false;
  private buffer = '';
  private waiters: Array<() => void> = [];

  private constructor(
    readonly response: IncomingMessage,
    private readonly hangUp: () => void,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.receive(chunk));
    response.on('end', () => {
      this.ended = true;
      this.notify();
    });
    response.on('error', () => undefined);
  }

  static open(url: string, headers: Record<string, string>): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => resolve(new SseClient(res, () => req.destroy())));
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.hangUp();
  }

  /** Resolves once `predicate` holds for the frames received so far (fails after 5 s). */
  async until(predicate: (frames: SseFrame[]) => boolean, what = 'frames'): Promise<SseFrame[]> {
    const deadline = Date.now() + 5_000;
    while (!predicate(this.frames)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames;
  }

  events(): SseFrame[] {
    return this.frames.filter((f) => f.event !== undefined);
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const frame: SseFrame = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(': ')) frame.comment = line.slice(2);
        else if (line.startsWith('id: ')) frame.id = line.slice(4);
        else if (line.startsWith('event: ')) frame.event = line.slice(7);
        else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
      }
      if (Object.keys(frame).length > 0) this.frames.push(frame);
    }
    this.notify();
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
