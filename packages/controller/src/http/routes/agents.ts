/**
 * The agent side of the API. Every route is for the agent token of the host in the path (access.ts), and
 * every call after registration names the agent session, so a replaced agent process cannot claim.
 */
import { agentTaskListQuery, claimQuery, claimRequest, heartbeatRequest, registerAgentRequest } from '@graphium/shared';
import type { Router } from 'express';
import { performance } from 'node:perf_hooks';
import { agentOfPathHost } from '../../auth/access.js';
import { jsonBody } from '../bodies.js';
import type { RouteDeps } from '../deps.js';
import { hostViewOf } from '../hostView.js';
import { requestSignal } from '../requestSignal.js';
import { parseBody, parseQuery, pathParam } from '../validate.js';

export function agentRoutes(router: Router, deps: RouteDeps): void {
  const { hosts, queue, metrics, options } = deps;
  const body = jsonBody(options.bodyLimitBytes);

  router.post('/api/v1/agents/:hostId/register', agentOfPathHost, ...body, async (req, res) => {
    const hostId = pathParam(req, 'hostId');
    const registered = await hosts.register(hostId, parseBody(registerAgentRequest, req.body));
    // The registry knows hosts, not tasks: handing back what an earlier agent process held is the route's job.
    const released = await queue.releaseOtherSessions(hostId, registered.agentSession);
    res.locals.log.info({ event: 'agent.registered', hostId, released });
    res.json(registered);
  });

  router.post('/api/v1/agents/:hostId/heartbeat', agentOfPathHost, ...body, async (req, res) => {
    res.json(hostViewOf(await hosts.heartbeat(pathParam(req, 'hostId'), parseBody(heartbeatRequest, req.body))));
  });

  router.post('/api/v1/agents/:hostId/tasks/claim', agentOfPathHost, ...body, async (req, res) => {
    const started = performance.now();
    const hostId = pathParam(req, 'hostId');
    // The agent's `wait` is capped by the operator's claimWaitMaxSeconds.
    const { wait } = parseQuery(claimQuery, req.query);
    const claim = parseBody(claimRequest, req.body);
    await hosts.assertSession(hostId, claim.agentSession);
    const tasks = await queue.claim({
      hostId,
      agentSession: claim.agentSession,
      max: claim.max,
      holding: claim.holding,
      waitMs: Math.min(wait, options.claimWaitMaxSeconds) * 1000,
      signal: requestSignal(res, deps.shutdown),
    });
    if (tasks.length > 0) metrics.observeClaimLatency((performance.now() - started) / 1000);
    res.json({ tasks });
  });

  router.get('/api/v1/agents/:hostId/tasks', agentOfPathHost, async (req, res) => {
    res.json(await queue.list({ ...parseQuery(agentTaskListQuery, req.query), hostId: pathParam(req, 'hostId') }));
  });
}
