import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { Clock, EventLog, HostRegistry, StackService, TaskQueue, TokenStore } from '../ports.js';

export interface AppOptions {
  /** Largest request body accepted, in bytes (any content type). Default 1 MiB. */
  bodyLimitBytes: number;
  /** Upper bound of an agent's long-poll claim, whatever `?wait=` asks. Default 30. */
  claimWaitMaxSeconds: number;
  /** Interval of the comment line that keeps an idle event stream open through proxies. Default 15 000. */
  sseHeartbeatMs: number;
  /** Stored events replayed to an event-stream client that names a stack or sends Last-Event-ID. Default 100. */
  sseReplayLimit: number;
  /** Whether `GET /metrics` demands a bearer token (user or admin). Default false: scrapers reach it freely. */
  metricsRequireToken: boolean;
}

export const DEFAULT_APP_OPTIONS: AppOptions = {
  bodyLimitBytes: 1024 * 1024,
  claimWaitMaxSeconds: 30,
  sseHeartbeatMs: 15_000,
  sseReplayLimit: 100,
  metricsRequireToken: false,
};

export interface AppDeps {
  queue: TaskQueue;
  hosts: HostRegistry;
  events: EventLog;
  tokens: TokenStore;
  stacks: StackService;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** Answers whether the document store responds (for /healthz). */
  storeHealthy: () => Promise<boolean>;
  /**
   * Aborted when the server shuts down: event streams end and held long-polls answer at once, so
   * `server.close()` is not kept waiting by connections that would otherwise stay open.
   */
  shutdown?: AbortSignal | undefined;
  /** Directory of the web UI's static files, served at `/` and `/web/…`. Default: no UI. */
  webDir?: string | undefined;
  options?: Partial<AppOptions> | undefined;
}

/** What route modules receive: the deps with every option filled in. */
export type RouteDeps = Omit<AppDeps, 'options'> & { options: AppOptions };
