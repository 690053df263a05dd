/**
 * Live events as server-sent events. The subscription is made before anything is read from the store, and
 * live events are held back while stored ones are replayed, so a client that reconnects with Last-Event-ID
 * (or names a stack) sees the recent past and then the present without a gap; an event seen in both is
 * sent once.
 */
import { AppError, EVENT_TYPES, eventHistoryQuery, eventStreamQuery, type DeploymentEvent, type EventType } from '@graphium/shared';
import type { Request, Router } from 'express';
import { userOnly } from '../../auth/access.js';
import type { RouteDeps } from '../deps.js';
import { EventStream } from '../eventStream.js';
import { parseQuery } from '../validate.js';

type EventFilter = (event: DeploymentEvent) => boolean;

function filterOf(req: Request): { stackId?: string | undefined; matches: EventFilter } {
  const query = parseQuery(eventStreamQuery, req.query);
  const types = query.types?.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const unknown = types?.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t)) ?? [];
  if (unknown.length > 0) {
    throw new AppError('BAD_REQUEST', `unknown event type ${unknown.join(', ')}`, {
      details: { issues: [{ path: 'types', message: `expected a comma-separated list of ${EVENT_TYPES.join(', ')}` }] },
    });
  }
  const wanted = types === undefined || types.length === 0 ? undefined : new Set(types as EventType[]);
  return {
    stackId: query.stackId,
    matches: (event) =>
      (query.stackId === undefined || event.stackId === query.stackId) &&
      (query.hostId === undefined || event.hostId === query.hostId) &&
      (wanted === undefined || wanted.has(event.type)),
  };
}

/** Stored events after the one the client saw last; all of them when it is not in the window. */
function after(events: DeploymentEvent[], lastEventId: string | undefined): DeploymentEvent[] {
  if (lastEventId === undefined) return events;
  const index = events.findIndex((e) => e['@id'] === lastEventId);
  return index === -1 ? events : events.slice(index + 1);
}

function frameOf(event: DeploymentEvent) {
  const { _rev: _ignored, ...data } = event;
  return { id: event['@id'], event: event.type, data };
}

export function eventRoutes(router: Router, { events, options, shutdown }: RouteDeps): void {
  router.get('/api/v1/events', userOnly, async (req, res) => {
    const { stackId, matches } = filterOf(req);
    const lastEventId = req.get('last-event-id');
    const held: DeploymentEvent[] = [];
    // Until the replay is over, live events wait in `held` (and `stream` is not touched before it exists).
    let replaying = true;
    const unsubscribe = events.subscribe((event) => {
      if (!matches(event)) return;
      if (replaying) held.push(event);
      else stream.send(frameOf(event));
    });
    const stream = new EventStream(res, { heartbeatMs: options.sseHeartbeatMs, shutdown });
    stream.onClose(unsubscribe);

    const sent = new Set<string>();
    if (stackId !== undefined || lastEventId !== undefined) {
      try {
        const stored = await events.list({ stackId, limit: options.sseReplayLimit });
        for (const event of after(stored, lastEventId).filter(matches)) {
          stream.send(frameOf(event));
          sent.add(event['@id']);
        }
      } catch (error) {
        // The live stream is still worth having; say that the past could not be read.
        res.locals.log.warn({ event: 'events.replay_failed', err: error });
        stream.comment('replay unavailable');
      }
    }
    replaying = false;
    for (const event of held.splice(0)) if (!sent.has(event['@id'])) stream.send(frameOf(event));
  });

  router.get('/api/v1/events/history', userOnly, async (req, res) => {
    const query = parseQuery(eventHistoryQuery, req.query);
    res.json({ items: await events.list(query) });
  });
}
