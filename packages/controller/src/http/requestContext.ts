/**
 * First step of every request: a request id (the caller's `x-request-id` when it is sane, else a fresh one,
 * echoed back), a pino child logger scoped by `{reqId}`, and — when the response ends or the client goes
 * away — one access-log event `http.request` plus the request-duration metric. Express runs it as its first
 * middleware; the agent lane calls `beginRequest` itself.
 *
 * Agents' routine traffic (heartbeats, claims: thousands of hosts, every few seconds) is logged at debug
 * when it succeeds; everything else, and every failure, at info.
 *
 * The route label is the matched route template (`/api/v1/tasks/:id`), never the raw URL, so ids in paths
 * cannot explode metric cardinality. Durations use the monotonic clock, not the injected wall clock.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { RequestScope } from './locals.js';

const SANE_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

export const UNMATCHED_ROUTE = '(unmatched)';

/** The route template that handled an express request, or UNMATCHED_ROUTE. */
export function routeOf(req: Request): string {
  const path: unknown = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : UNMATCHED_ROUTE;
}

/**
 * `scope.log` as a child of `base`, made on first use: most agent requests log nothing at the level in
 * force, and a pino child per request was a measurable share of the API thread under load. Bindings added
 * later (the principal, once authenticated) go into the child, whether or not it exists yet.
 */
function lazyRequestLog(scope: RequestScope, base: Logger, bindings: Record<string, unknown>): void {
  let made: Logger | undefined;
  Object.defineProperty(scope, 'log', { configurable: true, enumerable: true, get: () => (made ??= base.child(bindings)) });
  scope.addLogBindings = (more) => {
    if (made === undefined) Object.assign(bindings, more);
    else made = made.child(more);
  };
}

/**
 * Starts the request's scope in `target` (express's `res.locals`, or a fresh object) and returns it.
 * `route` is asked once the response is done, when express knows which route matched.
 */
export function beginRequest<T extends object>(
  target: T,
  req: IncomingMessage,
  res: ServerResponse,
  { log, metrics, route }: { log: Logger; metrics: Metrics; route: () => string },
): T & RequestScope {
  const scope = target as T & RequestScope;
  const given = req.headers['x-request-id'];
  const reqId = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
  scope.reqId = reqId;
  lazyRequestLog(scope, log, { reqId });
  res.setHeader('x-request-id', reqId);

  const started = performance.now();
  let logged = false;
  const done = (): void => {
    if (logged) return;
    logged = true;
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const template = route();
    const method = req.method ?? '';
    // A client that left before the answer was complete: recorded as such, with the status we had set.
    const aborted = !res.writableFinished;
    const level = template.startsWith('/api/v1/agents/') && res.statusCode < 400 ? 'debug' : 'info';
    if (log.isLevelEnabled(level)) scope.log[level]({ event: 'http.request', method, route: template, status: res.statusCode, ms, ...(aborted ? { aborted } : {}) });
    metrics.observeRequest(method, template, res.statusCode, ms / 1000);
  };
  res.once('finish', done);
  res.once('close', done);
  return scope;
}

export function requestContext(log: Logger, metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    beginRequest(res.locals, req, res, { log, metrics, route: () => routeOf(req) });
    next();
  };
}
