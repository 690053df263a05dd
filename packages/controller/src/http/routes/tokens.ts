import { createTokenRequest } from '@graphium/shared';
import type { Router } from 'express';
import { adminOnly } from '../../auth/access.js';
import type { Principal } from '../../ports.js';
import { jsonBody } from '../bodies.js';
import type { RouteDeps } from '../deps.js';
import { parseBody } from '../validate.js';

export function tokenRoutes(router: Router, { tokens, options }: RouteDeps): void {
  // The token is in this answer only; the store keeps its hash. Admin tokens are never minted over HTTP.
  router.post('/api/v1/tokens', adminOnly, ...jsonBody(options.bodyLimitBytes), async (req, res) => {
    const request = parseBody(createTokenRequest, req.body);
    const principal: Principal = request.kind === 'agent' ? { kind: 'agent', name: request.name, hostId: request.hostId } : { kind: 'user', name: request.name };
    const created = await tokens.create(principal);
    res.locals.log.info({ event: 'token.created', kind: principal.kind, name: principal.name });
    res.status(201).setHeader('cache-control', 'no-store').json(created);
  });
}
