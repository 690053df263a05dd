/**
 * Prometheus metrics of one controller replica, on a registry of its own (never prom-client's global one,
 * so two apps in one process — tests — do not collide). Queue figures are read on scrape from the queue
 * itself, so they are always current and cost nothing between scrapes.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TASK_STATUSES } from '@graphium/shared';
import type { TaskQueue } from './ports.js';

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event-loop lag, GC). Default true. */
  processMetrics?: boolean | undefined;
  /** Prefix of every metric name. Default `graphium_`. */
  prefix?: string | undefined;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly claimLatency: Histogram;

  constructor(queue: Pick<TaskQueue, 'stats' | 'pendingClaims'>, options: MetricsOptions = {}) {
    const prefix = options.prefix ?? 'graphium_';
    const registers = [this.registry];
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix });

    this.requestDuration = new Histogram({
      name: `${prefix}http_request_duration_seconds`,
      help: 'HTTP requests by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });

    this.claimLatency = new Histogram({
      name: `${prefix}claim_latency_seconds`,
      help: 'Time from an agent claim request to tasks handed out (claims that returned tasks only)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });

    new Gauge({
      name: `${prefix}tasks`,
      help: 'Tasks by status',
      labelNames: ['status'],
      registers,
      async collect() {
        try {
          const stats = await queue.stats();
          for (const status of TASK_STATUSES) this.set({ status }, stats.byStatus[status]);
        } catch {
          statsErrors.inc();
        }
      },
    });

    // Registered after the gauge that counts into it, so a scrape shows the failure of that very scrape.
    const statsErrors = new Counter({
      name: `${prefix}task_stats_errors_total`,
      help: 'Scrapes whose task counts could not be read from the store (the gauge keeps its last values)',
      registers,
    });

    new Gauge({
      name: `${prefix}claims_held`,
      help: 'Agent long-poll claims this replica holds open',
      registers,
      collect() {
        this.set(queue.pendingClaims());
      },
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requestDuration.observe({ method, route, status: String(status) }, seconds);
  }

  observeClaimLatency(seconds: number): void {
    this.claimLatency.observe(seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
