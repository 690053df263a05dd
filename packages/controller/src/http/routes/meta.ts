import type { Router } from 'express';
import { anyPrincipal, userOnly } from '../../auth/access.js';
import { authenticate } from '../../auth/authenticate.js';
import { buildOpenApiDocument } from '../../openapi.js';
import type { RouteDeps } from '../deps.js';

export function metaRoutes(router: Router, deps: RouteDeps): void {
  const { metrics, options, storeHealthy } = deps;
  let openapi: unknown;

  router.get('/api/v1/openapi.json', anyPrincipal, (_req, res) => {
    openapi ??= buildOpenApiDocument();
    res.json(openapi);
  });

  // Prometheus convention: scrapers reach /metrics without credentials unless the operator asks otherwise.
  const metricsGuard = options.metricsRequireToken ? [authenticate(deps.tokens), userOnly] : [];
  router.get('/metrics', ...metricsGuard, async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.text());
  });

  // No auth: load balancers and orchestrators probe it. Healthy means this replica can reach the store.
  router.get('/healthz', async (_req, res) => {
    const ok = await storeHealthy().catch(() => false);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable' });
  });
}
