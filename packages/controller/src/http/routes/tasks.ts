import { AppError, createTaskRequest, taskListQuery, taskStatusUpdate } from '@graphium/shared';
import type { Router } from 'express';
import { hostOfAgent, userOnly } from '../../auth/access.js';
import type { LaneRoute } from '../agentLane.js';
import { jsonBody } from '../bodies.js';
import type { RouteDeps } from '../deps.js';
import { parseBody, parseQuery, pathParam } from '../validate.js';

export function taskRoutes(router: Router, { queue, options }: RouteDeps): void {
  router.get('/api/v1/tasks', userOnly, async (req, res) => {
    res.json(await queue.list(parseQuery(taskListQuery, req.query)));
  });

  router.post('/api/v1/tasks', userOnly, ...jsonBody(options.bodyLimitBytes), async (req, res) => {
    const task = await queue.createManual(parseBody(createTaskRequest, req.body));
    res.status(201).location(`/api/v1/tasks/${encodeURIComponent(task['@id'])}`).json(task);
  });

  // Before `/api/v1/tasks/:id`, which would otherwise take "stats" for an id.
  router.get('/api/v1/tasks/stats', userOnly, async (_req, res) => {
    res.json(await queue.stats());
  });

  router.get('/api/v1/tasks/:id', userOnly, async (req, res) => {
    const task = await queue.get(pathParam(req, 'id'));
    if (task === undefined) throw new AppError('NOT_FOUND', `no task ${pathParam(req, 'id')}`);
    res.json(task);
  });

  router.post('/api/v1/tasks/:id/retry', userOnly, async (req, res) => {
    res.json(await queue.retry(pathParam(req, 'id')));
  });

  router.post('/api/v1/tasks/:id/cancel', userOnly, async (req, res) => {
    res.json(await queue.cancel(pathParam(req, 'id')));
  });
}

export function taskLaneRoutes({ queue }: RouteDeps): LaneRoute[] {
  return [
    {
      // The reporting host is the token's; the queue refuses (403) a task of another host and (409) a stale lease.
      method: 'put',
      path: '/api/v1/tasks/:id/status',
      guard: hostOfAgent,
      handle: async ({ params, body, principal }) =>
        queue.report(pathParam({ params }, 'id'), hostOfAgent(principal), parseBody(taskStatusUpdate, body)),
    },
  ];
}
