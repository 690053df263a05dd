/**
 * The HTTP API, built from its dependencies and never listening by itself: the server listens, tests inject
 * requests. `handle` is what listens: the agent lane (agentLane.ts) for the fleet's hot routes, express for
 * everything else. Express's order matters and is all here:
 * request context → web UI files (when a web directory is given) → /api authentication → routes (each with
 * its own guard and body parser) → 405 for methods a path does not serve → 404 → the one error handler.
 */
import type { RequestListener } from 'node:http';
import express, { type Application } from 'express';
import { authenticate } from '../auth/authenticate.js';
import { agentLane, mountLaneRoutes } from './agentLane.js';
import { jsonBody } from './bodies.js';
import { DEFAULT_APP_OPTIONS, type AppDeps, type RouteDeps } from './deps.js';
import { errorHandler, notFound } from './errorHandler.js';
import './locals.js';
import { requestContext } from './requestContext.js';
import { answerUnservedMethods } from './routeTable.js';
import { agentLaneRoutes, agentRoutes } from './routes/agents.js';
import { eventRoutes } from './routes/events.js';
import { hostRoutes } from './routes/hosts.js';
import { metaRoutes } from './routes/meta.js';
import { stackRoutes } from './routes/stacks.js';
import { taskLaneRoutes, taskRoutes } from './routes/tasks.js';
import { tokenRoutes } from './routes/tokens.js';
import { webRoutes } from './web.js';

/** The router of every route, kept on the app so tests can read the route table back. */
export const API_ROUTER = 'graphiumRouter';

export interface HttpApi {
  /** The request listener: the agent lane in front of express. */
  handle: RequestListener;
  /** The express application alone: every route, the lane's included. */
  app: Application;
}

export function createApp(deps: AppDeps): HttpApi {
  const routeDeps: RouteDeps = { ...deps, options: { ...DEFAULT_APP_OPTIONS, ...deps.options } };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(requestContext(deps.log, deps.metrics));
  // The web UI (static files at / and /web/…) needs no token to load; everything it shows comes from /api.
  if (deps.webDir !== undefined) app.use(webRoutes(deps.webDir));
  app.use('/api', authenticate(deps.tokens));

  const router = express.Router({ caseSensitive: true, strict: false });
  stackRoutes(router, routeDeps);
  taskRoutes(router, routeDeps);
  agentRoutes(router, routeDeps);
  hostRoutes(router, routeDeps);
  eventRoutes(router, routeDeps);
  tokenRoutes(router, routeDeps);
  metaRoutes(router, routeDeps);
  const laneRoutes = [...agentLaneRoutes(routeDeps), ...taskLaneRoutes(routeDeps)];
  // One set of body parsers for the lane routes, whichever path serves them.
  const laneBody = jsonBody(routeDeps.options.bodyLimitBytes);
  mountLaneRoutes(router, laneRoutes, laneBody);
  answerUnservedMethods(router);
  app.use(router);
  app.locals[API_ROUTER] = router;

  app.use(notFound);
  app.use(errorHandler());
  return { app, handle: agentLane(laneRoutes, { ...routeDeps, body: laneBody }, app) };
}
