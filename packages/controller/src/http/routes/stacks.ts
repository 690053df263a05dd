import { AppError, stackIdOf, stackListQuery } from '@graphium/shared';
import type { Request, Router } from 'express';
import { principalOf, userOnly } from '../../auth/access.js';
import type { SubmittedDefinition } from '../../ports.js';
import { definitionBody } from '../bodies.js';
import type { RouteDeps } from '../deps.js';
import { parseQuery, pathParam } from '../validate.js';

/** `:id` is the stack id (`stack:web`); the bare name (`web`) is accepted too, as users type it. */
export function stackIdParam(req: Request): string {
  const id = pathParam(req, 'id');
  return id.startsWith('stack:') ? id : stackIdOf(id);
}

const FILENAME = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i;

/** The raw text as sent, its media type, and a file name (Content-Disposition) that helps format detection. */
function submittedDefinition(req: Request): SubmittedDefinition {
  if (typeof req.body !== 'string' || req.body.trim() === '') {
    throw new AppError('BAD_REQUEST', 'send the stack definition (JSON-LD, EVE ItemList or compose YAML) as the request body');
  }
  const filename = FILENAME.exec(req.get('content-disposition') ?? '')?.[1];
  return { body: req.body, contentType: req.get('content-type'), filename: filename === undefined ? undefined : decodeURIComponent(filename) };
}

export function stackRoutes(router: Router, { stacks, options }: RouteDeps): void {
  router.post('/api/v1/stacks', userOnly, ...definitionBody(options.bodyLimitBytes), async (req, res) => {
    const deployed = await stacks.deploy(submittedDefinition(req), principalOf(res).name);
    res.status(202).location(deployed.location).json(deployed);
  });

  router.post('/api/v1/stacks/plan', userOnly, ...definitionBody(options.bodyLimitBytes), async (req, res) => {
    res.json(await stacks.plan(submittedDefinition(req)));
  });

  router.get('/api/v1/stacks', userOnly, async (req, res) => {
    res.json(await stacks.list(parseQuery(stackListQuery, req.query)));
  });

  router.get('/api/v1/stacks/:id', userOnly, async (req, res) => {
    const id = stackIdParam(req);
    const view = await stacks.get(id);
    if (view === undefined) throw new AppError('NOT_FOUND', `no stack ${id}`);
    res.json(view);
  });

  // Stop, start and delete only create tasks: 202, and the stack's status tells how far they got.
  router.post('/api/v1/stacks/:id/stop', userOnly, async (req, res) => {
    res.status(202).json(await stacks.stop(stackIdParam(req)));
  });

  router.post('/api/v1/stacks/:id/start', userOnly, async (req, res) => {
    res.status(202).json(await stacks.start(stackIdParam(req)));
  });

  router.delete('/api/v1/stacks/:id', userOnly, async (req, res) => {
    res.status(202).json(await stacks.remove(stackIdParam(req)));
  });
}
