/**
 * First middleware of every request: a request id (the caller's `x-request-id` when it is sane, else a fresh
 * one, echoed back), a pino child logger scoped by `{reqId}`, and — when the response ends or the client
 * goes away — one access-log event `http.request` plus the request-duration metric.
 *
 * Agents' routine traffic (heartbeats, claims: thousands of hosts, every few seconds) is logged at debug
 * when it succeeds; everything else, and every failure, at info.
 *
 * The route label is the matched route template (`/api/v1/tasks/:id`), never the raw URL, so ids in paths
 * cannot explode metric cardinality. Durations use the monotonic clock, not the injected wall clock.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';

const SANE_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

export const UNMATCHED_ROUTE = '(unmatched)';

/** The route template that handled the request, or UNMATCHED_ROUTE. */
export function routeOf(req: Request): string {
  const path: unknown = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : UNMATCHED_ROUTE;
}

/**
 * `res.locals.log` as a child of `base`, made on first use: most agent requests log nothing at the level in
 * force, and a pino child per request was a measurable share of the API thread under load. Bindings added
 * later (the principal, once authenticated) go into the child, whether or not it exists yet.
 */
function lazyRequestLog(res: Response, base: Logger, bindings: Record<string, unknown>): void {
  let made: Logger | undefined;
  Object.defineProperty(res.locals, 'log', { configurable: true, enumerable: true, get: () => (made ??= base.child(bindings)) });
  res.locals.addLogBindings = (more) => {
    if (made === undefined) Object.assign(bindings, more);
    else made = made.child(more);
  };
}

export function requestContext(log: Logger, metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.get('x-request-id');
    const reqId = given !== undefined && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.reqId = reqId;
    lazyRequestLog(res, log, { reqId });
    res.setHeader('x-request-id', reqId);

    const started = performance.now();
    let logged = false;
    const done = (): void => {
      if (logged) return;
      logged = true;
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const route = routeOf(req);
      // A client that left before the answer was complete: recorded as such, with the status we had set.
      const aborted = !res.writableFinished;
      const level = route.startsWith('/api/v1/agents/') && res.statusCode < 400 ? 'debug' : 'info';
      if (log.isLevelEnabled(level)) res.locals.log[level]({ event: 'http.request', method: req.method, route, status: res.statusCode, ms, ...(aborted ? { aborted } : {}) });
      metrics.observeRequest(req.method, route, res.statusCode, ms / 1000);
    };
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}
