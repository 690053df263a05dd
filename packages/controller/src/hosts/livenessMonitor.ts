/**
 * Runs the registry's liveness sweep on an interval (default 5 s), then — when failover is on — the failover
 * sweep (stacks/failoverSweep.ts), so containers move off a host in the same tick that marks it offline.
 * Every replica may run one: the registry's and failover's conditional writes and dedupe keys make
 * concurrent sweeps safe. The timer is unref'd so it never keeps the process alive, sweeps never overlap,
 * and stop() waits for a sweep under way.
 */
import type { Logger } from 'pino';
import type { HostRegistry } from '../ports.js';

/** What runs after each liveness sweep (the failover sweep). Its errors are logged, never thrown. */
export interface AfterLivenessSweep {
  sweep(): Promise<unknown>;
}

export class HostLivenessMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly hosts: Pick<HostRegistry, 'markOffline'>,
    private readonly log: Logger,
    private readonly intervalMs = 5_000,
    private readonly failover?: AfterLivenessSweep,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One sweep now (skipped when one is under way); errors are logged, never thrown. */
  sweep(): Promise<void> {
    this.running ??= this.hosts
      .markOffline()
      .then((hosts) => {
        for (const host of hosts) this.log.warn({ event: 'host.offline', hostId: host.hostId, lastSeen: host.lastSeen });
      })
      .catch((error: unknown) => this.log.warn({ event: 'host.liveness_failed', err: error }))
      // A failed liveness sweep still lets failover act on the hosts already marked offline.
      .then(async () => {
        await this.failover?.sweep();
      })
      .catch((error: unknown) => this.log.warn({ event: 'stack.failover_sweep_failed', err: error }))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
