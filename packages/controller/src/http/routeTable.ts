/**
 * What the router serves, read back from express itself (not from a list kept beside it): used to answer
 * 405 with an `Allow` header, and by the test that holds the OpenAPI document and the router to each other.
 */
import { AppError } from '@graphium/shared';
import type { NextFunction, Request, Response, Router } from 'express';

export interface RouteEntry {
  /** Express path template, e.g. `/api/v1/tasks/:id`. */
  path: string;
  /** Upper-case methods, without the implicit HEAD. */
  methods: string[];
}

interface RouteLike {
  path: string;
  methods: Record<string, boolean | undefined>;
  all(handler: (req: Request, res: Response, next: NextFunction) => void): unknown;
}

function routesOf(router: Router): RouteLike[] {
  return router.stack.flatMap((layer) => (layer.route === undefined || layer.route === null ? [] : [layer.route as unknown as RouteLike]));
}

export function routeTable(router: Router): RouteEntry[] {
  return routesOf(router).map((route) => ({
    path: route.path,
    methods: Object.keys(route.methods)
      .filter((m) => m !== '_all')
      .map((m) => m.toUpperCase()),
  }));
}

/**
 * Ends every path with a handler for the methods it does not serve: OPTIONS gets 204 and `Allow`, any other
 * method 405 METHOD_NOT_ALLOWED with `Allow`. Express makes one route per registration, so a path served by
 * several (GET and POST registered apart) gets the handler on its last route only, with the union of
 * methods; on an earlier one it would shadow the later methods. Call after every route is registered.
 */
export function answerUnservedMethods(router: Router): void {
  const routes = routesOf(router);
  const lastByPath = new Map(routes.map((route) => [route.path, route]));
  for (const [path, last] of lastByPath) {
    const served = [...new Set(routes.filter((r) => r.path === path).flatMap((r) => Object.keys(r.methods)))].map((m) => m.toUpperCase());
    const allow = [...served, ...(served.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
    last.all((req, res) => {
      res.setHeader('allow', allow);
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
      throw new AppError('METHOD_NOT_ALLOWED', `${req.method} is not served on ${path}; use ${served.join(' or ')}`, {
        details: { allow: allow.split(', ') },
      });
    });
  }
}
