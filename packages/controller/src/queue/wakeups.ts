/**
 * Per-host wake-up signals for held long-polls. Each host has a version that every wake bumps: a claimer
 * reads the version before it looks for work and waits only if the version is unchanged afterwards, so a
 * task that became claimable while it was looking is never slept through (no lost wake-ups).
 */
export class Wakeups {
  private readonly hosts = new Map<string, { version: number; waiters: Set<() => void> }>();
  private closed = false;

  private entry(hostId: string) {
    let entry = this.hosts.get(hostId);
    if (entry === undefined) {
      // Never removed: a fresh entry would restart at version 0 and hide a wake-up. Hosts are few.
      entry = { version: 0, waiters: new Set() };
      this.hosts.set(hostId, entry);
    }
    return entry;
  }

  version(hostId: string): number {
    return this.hosts.get(hostId)?.version ?? 0;
  }

  wake(hostId: string): void {
    const entry = this.entry(hostId);
    entry.version += 1;
    for (const waiter of [...entry.waiters]) waiter();
  }

  /** Resolves on a wake-up after `sinceVersion`, after `ms`, on abort, or on close — whichever comes first. */
  wait(hostId: string, sinceVersion: number, ms: number, signal?: AbortSignal): Promise<void> {
    const entry = this.entry(hostId);
    if (this.closed || entry.version !== sinceVersion || signal?.aborted === true || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        entry.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      entry.waiters.add(done);
    });
  }

  /** Releases every waiter now and every later one at once (the queue is stopping). */
  close(): void {
    this.closed = true;
    for (const entry of this.hosts.values()) for (const waiter of [...entry.waiters]) waiter();
  }

  reopen(): void {
    this.closed = false;
  }
}
