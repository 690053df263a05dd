/**
 * The agent lane: the fleet's three hot routes — claim, task status report, heartbeat — answered before
 * express. With 1,000 agents the controller serves two to three of these per task, and express's own
 * machinery (its request and response objects, the router walking every layer) cost more of the API thread
 * than the work behind the route (docs/benchmarks.md, "Why 1,000 agents stayed under 500 lifecycles/s").
 *
 * Nothing is written twice: a lane route is one definition that express mounts as a route like any other
 * (so the route table, 405/OPTIONS and the OpenAPI check see one API) and that the lane serves with the same
 * steps express runs — request scope and access log, bearer authentication, the route's guard, the same
 * body parsers, the handler, the one error answer — in the same order, so the answers are the same
 * (test/http/agentLane.test.ts holds them to it).
 *
 * The lane takes a request only when the method and path match a lane route exactly (a trailing slash
 * allowed, as express allows it) and every path parameter decodes; anything else goes to express as it is,
 * which also answers what is malformed.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import type { Router } from 'express';
import { principalOf } from '../auth/access.js';
import { authenticateRequest } from '../auth/authenticate.js';
import type { Principal } from '../ports.js';
import { answerJson } from './answerJson.js';
import type { NodeMiddleware } from './bodies.js';
import type { RouteDeps } from './deps.js';
import { answerError } from './errorHandler.js';
import { beginRequest } from './requestContext.js';

/** Decoded path parameters (express gives a wildcard parameter as an array; lane routes have none). */
type Params = Record<string, string | string[] | undefined>;

/** What a lane route's handler is given, whichever path served the request. */
export interface LaneCall {
  params: Params;
  /** The parsed query string (express's "simple" parser is the same `querystring.parse`). */
  query: unknown;
  /** The parsed JSON body; undefined when there was none. */
  body: unknown;
  principal: Principal;
  res: ServerResponse;
}

export interface LaneRoute {
  method: 'post' | 'put';
  /** Express path template, e.g. `/api/v1/tasks/:id/status`. */
  path: string;
  /** Throws FORBIDDEN unless `principal` may call this route with these parameters. */
  guard(principal: Principal, params: Params): void;
  /** Answers 200 with the JSON of what it returns. */
  handle(call: LaneCall): Promise<unknown>;
}

/** Mounts lane routes on the express router, each with the lane's JSON body parsers (`jsonBody`). */
export function mountLaneRoutes(router: Router, routes: readonly LaneRoute[], body: readonly NodeMiddleware[]): void {
  for (const route of routes) {
    router[route.method](
      route.path,
      (req, res, next) => {
        route.guard(principalOf(res), req.params);
        next();
      },
      ...body,
      async (req, res) => {
        const principal = principalOf(res);
        answerJson(res, 200, await route.handle({ params: req.params, query: req.query, body: req.body, principal, res }));
      },
    );
  }
}

interface Matcher {
  route: LaneRoute;
  method: string;
  pattern: RegExp;
  names: string[];
}

/**
 * `/api/v1/tasks/:id/status` → a pattern over the raw `req.url`: each parameter one non-empty segment, an
 * optional trailing slash, an optional query. A `#` anywhere, or a `?` inside the path, does not match.
 */
function matcherOf(route: LaneRoute): Matcher {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/?#]+)';
    })
    .join('/');
  return { route, method: route.method.toUpperCase(), pattern: new RegExp(`^${source}/?(?:\\?([^#]*))?$`), names };
}

interface Hit {
  route: LaneRoute;
  params: Params;
  query: string;
}

function match(matchers: readonly Matcher[], method: string | undefined, url: string | undefined): Hit | undefined {
  if (url === undefined) return undefined;
  for (const matcher of matchers) {
    if (matcher.method !== method) continue;
    const found = matcher.pattern.exec(url);
    if (found === null) continue;
    const params: Record<string, string> = {};
    try {
      matcher.names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1] ?? '')));
    } catch {
      return undefined; // broken %-encoding: express answers it (400)
    }
    return { route: matcher.route, params, query: found[matcher.names.length + 1] ?? '' };
  }
  return undefined;
}

/** Runs connect-style middleware in order, as express would; an error (thrown or passed on) rejects. */
async function runMiddleware(middleware: readonly NodeMiddleware[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  for (const step of middleware) {
    await new Promise<void>((resolve, reject) => {
      try {
        step(req, res, (error) => (error === undefined || error === null ? resolve() : reject(error)));
      } catch (error) {
        reject(error);
      }
    });
  }
}

/** A request listener serving `routes` itself and handing every other request to `fallback` (express). */
export function agentLane(
  routes: readonly LaneRoute[],
  deps: Pick<RouteDeps, 'tokens' | 'log' | 'metrics'> & { body: readonly NodeMiddleware[] },
  fallback: RequestListener,
): RequestListener {
  const matchers = routes.map(matcherOf);
  const { body } = deps;

  const serve = async ({ route, params, query }: Hit, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const scope = beginRequest({}, req, res, { log: deps.log, metrics: deps.metrics, route: () => route.path });
    try {
      const principal = await authenticateRequest(deps.tokens, req, res, scope);
      route.guard(principal, params);
      await runMiddleware(body, req, res);
      // body-parser leaves the parsed body on the request, as it does for express.
      const parsed = (req as IncomingMessage & { body?: unknown }).body;
      answerJson(res, 200, await route.handle({ params, query: parseQueryString(query), body: parsed, principal, res }));
    } catch (error) {
      answerError(error, req, req.url ?? '', res, scope);
    }
  };

  return (req, res) => {
    const hit = match(matchers, req.method, req.url);
    if (hit === undefined) {
      fallback(req, res);
      return;
    }
    serve(hit, req, res).catch((error: unknown) => {
      // Only answering the error itself can fail here: cut the request rather than let it crash the process.
      deps.log.error({ event: 'http.error', err: error, method: req.method, url: req.url });
      res.destroy();
    });
  };
}
