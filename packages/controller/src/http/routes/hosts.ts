import { AppError } from '@graphium/shared';
import type { Router } from 'express';
import { userOnly } from '../../auth/access.js';
import type { RouteDeps } from '../deps.js';
import { hostViewOf } from '../hostView.js';
import { pathParam } from '../validate.js';

export function hostRoutes(router: Router, { hosts }: RouteDeps): void {
  router.get('/api/v1/hosts', userOnly, async (_req, res) => {
    res.json({ items: (await hosts.list()).map(hostViewOf) });
  });

  router.get('/api/v1/hosts/:id', userOnly, async (req, res) => {
    const host = await hosts.get(pathParam(req, 'id'));
    if (host === undefined) throw new AppError('NOT_FOUND', `no host ${pathParam(req, 'id')}`);
    res.json(hostViewOf(host));
  });

  // Draining is immediate (no new placements); the host's running containers stay until moved or removed.
  router.post('/api/v1/hosts/:id/drain', userOnly, async (req, res) => {
    res.json(hostViewOf(await hosts.drain(pathParam(req, 'id'))));
  });
}
