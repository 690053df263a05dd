/**
 * The agent side of the API. Every route is for the agent token of the host in the path (access.ts), and
 * every call after registration names the agent session, so a replaced agent process cannot claim. The
 * heartbeat and the claim are lane routes (agentLane.ts): the fleet sends them all the time.
 */
import { agentTaskListQuery, claimQuery, claimRequest, heartbeatRequest, registerAgentRequest } from '@graphium/shared';
import type { Router } from 'express';
import { performance } from 'node:perf_hooks';
import { agentOfPathHost, assertAgentOfHost } from '../../auth/access.js';
import type { LaneRoute } from '../agentLane.js';
import { jsonBody } from '../bodies.js';
import type { RouteDeps } from '../deps.js';
import { hostViewOf } from '../hostView.js';
import { requestSignal } from '../requestSignal.js';
import { parseBody, parseQuery, pathParam } from '../validate.js';

export function agentRoutes(router: Router, { hosts, queue, options }: RouteDeps): void {
  const body = jsonBody(options.bodyLimitBytes);

  router.post('/api/v1/agents/:hostId/register', agentOfPathHost, ...body, async (req, res) => {
    const hostId = pathParam(req, 'hostId');
    const registered = await hosts.register(hostId, parseBody(registerAgentRequest, req.body));
    // The registry knows hosts, not tasks: handing back what an earlier agent process held is the route's job.
    const released = await queue.releaseOtherSessions(hostId, registered.agentSession);
    res.locals.log.info({ event: 'agent.registered', hostId, released });
    res.json(registered);
  });

  router.get('/api/v1/agents/:hostId/tasks', agentOfPathHost, async (req, res) => {
    res.json(await queue.list({ ...parseQuery(agentTaskListQuery, req.query), hostId: pathParam(req, 'hostId') }));
  });
}

const forAgentOfPathHost: LaneRoute['guard'] = (principal, params) => assertAgentOfHost(principal, params.hostId);

export function agentLaneRoutes({ hosts, queue, metrics, options, shutdown }: RouteDeps): LaneRoute[] {
  return [
    {
      method: 'post',
      path: '/api/v1/agents/:hostId/heartbeat',
      guard: forAgentOfPathHost,
      handle: async ({ params, body }) => hostViewOf(await hosts.heartbeat(pathParam({ params }, 'hostId'), parseBody(heartbeatRequest, body))),
    },
    {
      method: 'post',
      path: '/api/v1/agents/:hostId/tasks/claim',
      guard: forAgentOfPathHost,
      handle: async ({ params, query, body, res }) => {
        const started = performance.now();
        const hostId = pathParam({ params }, 'hostId');
        // The agent's `wait` is capped by the operator's claimWaitMaxSeconds.
        const { wait } = parseQuery(claimQuery, query);
        const claim = parseBody(claimRequest, body);
        await hosts.assertSession(hostId, claim.agentSession);
        const tasks = await queue.claim({
          hostId,
          agentSession: claim.agentSession,
          max: claim.max,
          holding: claim.holding,
          waitMs: Math.min(wait, options.claimWaitMaxSeconds) * 1000,
          signal: requestSignal(res, shutdown),
        });
        if (tasks.length > 0) metrics.observeClaimLatency((performance.now() - started) / 1000);
        return { tasks };
      },
    },
  ];
}
