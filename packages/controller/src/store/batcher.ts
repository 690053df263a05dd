/**
 * Group commit. Single document requests are slow on both stores (STORE-NOTES: ~280 writes/s one by one
 * against ~10,700 docs/s through `_bulk_docs` on the embedded store), so requests from many agents at once
 * travel together: items submitted while a batch is in flight wait for the next one, which carries them all
 * in one request. A lone request goes out at once (after the current microtask, so a burst submitted in one
 * go shares a batch) unless `lingerMs` asks it to wait for company; under load the batch size grows by
 * itself. Each caller gets its own item's result.
 */
export interface BatcherOptions {
  /** Most items in one request. Default 500. */
  maxBatch?: number;
  /** Requests in flight at once. Default 2: one is prepared while the other travels. */
  maxInFlight?: number;
  /**
   * How long a request that finds nothing in flight waits for others to join it. Default 0. For writes
   * nobody waits on closely (heartbeats: a thousand agents' writes trickle in one by one), a few tens of ms
   * turn a request per item into one per window.
   */
  lingerMs?: number;
}

interface Waiting<In, Out> {
  item: In;
  resolve(value: Out): void;
  reject(error: unknown): void;
}

export class Batcher<In, Out> {
  private readonly waiting: Waiting<In, Out>[] = [];
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly lingerMs: number;
  private inFlight = 0;
  private scheduled = false;
  private idle: (() => void)[] = [];

  /** `send` answers one result per item, in the items' order. */
  constructor(
    private readonly send: (items: In[]) => Promise<Out[]>,
    options: BatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.lingerMs = options.lingerMs ?? 0;
  }

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        const go = (): void => {
          this.scheduled = false;
          this.pump();
        };
        if (this.lingerMs > 0 && this.inFlight === 0) setTimeout(go, this.lingerMs);
        else queueMicrotask(go);
      }
    });
  }

  submitAll(items: readonly In[]): Promise<Out[]> {
    return Promise.all(items.map((item) => this.submit(item)));
  }

  /** Resolves when nothing is waiting or in flight. */
  drained(): Promise<void> {
    if (this.inFlight === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight += 1;
      void this.dispatch(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
        if (this.inFlight === 0 && this.waiting.length === 0) {
          const idle = this.idle;
          this.idle = [];
          for (const resolve of idle) resolve();
        }
      });
    }
  }

  private async dispatch(batch: Waiting<In, Out>[]): Promise<void> {
    try {
      const results = await this.send(batch.map((entry) => entry.item));
      if (results.length !== batch.length) {
        throw new Error(`batch answered ${results.length} results for ${batch.length} items`);
      }
      batch.forEach((entry, i) => entry.resolve(results[i] as Out));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}
