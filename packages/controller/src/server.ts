/**
 * Wires the controller's parts together and runs them: store (embedded or CouchDB) → schema → queue, hosts,
 * events, tokens, stacks → HTTP. Everything the parts need comes in through their constructors; this is the
 * only place that knows which implementation stands behind each port.
 *
 * Shutdown order: stop taking requests, answer held long-polls and end event streams (the shutdown signal),
 * stop the liveness and failover sweeps, let in-flight requests finish, stop the monitors and feeds, then
 * close the embedded store.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { CouchTokenStore } from './auth/couchTokenStore.js';
import type { ControllerConfig } from './config.js';
import { CouchEventLog } from './events/couchEventLog.js';
import { CouchHostRegistry } from './hosts/couchHostRegistry.js';
import { HostLivenessMonitor } from './hosts/livenessMonitor.js';
import { createApp } from './http/app.js';
import { couchProbe } from './http/storeProbe.js';
import { Metrics } from './metrics.js';
import { systemClock, type Clock } from './ports.js';
import { CouchTaskQueue } from './queue/index.js';
import { StackFailover } from './stacks/failover.js';
import { FailoverSweep } from './stacks/failoverSweep.js';
import { CouchStackService } from './stacks/stackService.js';
import { StackMonitor } from './stacks/stackMonitor.js';
import { StackRepository } from './stacks/stackRepository.js';
import { connectCouch, ensureSchema, type Couch } from './store/couch.js';
import { startEmbeddedStore, type EmbeddedStore } from './store/embedded.js';

/** How long in-flight requests may take to finish once shutdown begins. */
const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningController {
  /** Base URL of the HTTP API (loopback form when listening on every address). */
  url: string;
  port: number;
  couch: Couch;
  log: Logger;
  /** The first admin token, when this start created it (shown once). */
  adminToken?: string | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger | undefined;
  clock?: Clock | undefined;
  /** Run the embedded store in a worker thread from this built script (see store/embedded.ts). */
  storeWorker?: URL | undefined;
  /** Directory of the web UI's static files (served at `/`); none: the API only. */
  webDir?: string | undefined;
}

export async function startController(config: ControllerConfig, options: StartOptions = {}): Promise<RunningController> {
  const log = options.log ?? pino({ level: config.logLevel, base: { service: 'controller' } });
  const clock = options.clock ?? systemClock;

  let embedded: EmbeddedStore | undefined;
  let couch: Couch;
  if (config.couchdbUrl === undefined) {
    embedded = await startEmbeddedStore({ dataDir: config.dataDir, worker: options.storeWorker });
    couch = connectCouch({ url: embedded.url, token: embedded.token, prefix: config.dbPrefix });
    log.info({ event: 'store.embedded', dataDir: config.dataDir, thread: options.storeWorker === undefined ? 'main' : 'worker' });
  } else {
    couch = connectCouch({ url: config.couchdbUrl, prefix: config.dbPrefix });
    log.info({ event: 'store.couchdb', url: couch.displayUrl });
  }
  await ensureSchema(couch);

  const events = new CouchEventLog(couch, clock, log);
  // The embedded store is one node: a claim's conditional write is final there, no read-back needed.
  const queue = new CouchTaskQueue({ couch, log, clock, leaseSeconds: config.leaseSeconds, readBackClaims: embedded === undefined });
  const hosts = new CouchHostRegistry(couch, events, clock, log, {
    heartbeatTimeoutMs: config.heartbeatTimeoutSeconds * 1000,
    leaseSeconds: config.leaseSeconds,
  });
  const tokens = new CouchTokenStore(couch, clock);
  const repository = new StackRepository(couch);
  const monitor = new StackMonitor({ repository, queue, events, clock, log });
  const stacks = new CouchStackService({ repository, queue, hosts, events, monitor, clock, log });
  const failover = config.failover
    ? new FailoverSweep({ failover: new StackFailover({ repository, queue, hosts, events, monitor, clock, log }), repository, hosts, log })
    : undefined;
  if (failover === undefined) log.info({ event: 'failover.disabled' });
  const liveness = new HostLivenessMonitor(hosts, log, undefined, failover);
  const metrics = new Metrics(queue);
  const shutdown = new AbortController();

  const api = createApp({
    queue,
    hosts,
    events,
    tokens,
    stacks,
    clock,
    log,
    metrics,
    storeHealthy: couchProbe(couch),
    shutdown: shutdown.signal,
    webDir: options.webDir,
    options: {
      bodyLimitBytes: config.bodyLimitBytes,
      claimWaitMaxSeconds: config.claimWaitMaxSeconds,
      metricsRequireToken: config.metricsRequireToken,
    },
  });

  await events.start();
  await hosts.start();
  await queue.start();
  await stacks.startMonitor();
  liveness.start();

  const server: Server = createServer(api.handle);
  // Long-polls hold a request for up to claimWaitMaxSeconds; never let Node cut them first.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shownHost}:${port}`;

  const admin = await tokens.ensureAdmin();
  log.info({ event: 'controller.listening', url, store: embedded === undefined ? 'couchdb' : 'embedded' });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      shutdown.abort();
      // No liveness or failover sweep may be writing once the queue stops.
      await liveness.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.stop();
      // Keep-alive connections turn idle as their last answers go out; close them as they do, and cut any
      // request still running after the grace period.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const deadline = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await closed;
      clearInterval(sweep);
      clearTimeout(deadline);
      await hosts.stop();
      await stacks.stopMonitor();
      await events.stop();
      await embedded?.close();
      log.info({ event: 'controller.stopped' });
    })();
    return closing;
  };

  return { url, port, couch, log, adminToken: admin?.token, close };
}
