/**
 * The append-only event log in the `events` database, and its live side: every replica follows the
 * database's `_changes` feed (ChangeFollower: bounded longpolls, back-off, never throws) and fans each new
 * event out to its in-process subscribers — so a client connected to any replica sees what every replica
 * wrote. A listener that throws is logged and does not disturb the others.
 *
 * Events are stored in pages: the events of one grouped write that concern one stack (or no stack) are one
 * JSON-LD document (`@type: DeploymentEventPage`, the events in `@graph`, in publish order). Every task
 * change is an event, so one document per event doubled what the store writes and what every replica's
 * feed reads per task; a page carries a stack's events of the last few milliseconds in one. A page has the
 * stack and the newest event's time at its top level, so the [stackId, timestamp] and [timestamp] Mango
 * indexes find the newest pages; the `limit` newest pages always hold the `limit` newest events. Pages
 * written by earlier versions as one `DeploymentEvent` document per event are read the same way.
 *
 * Order: one grouped write is in flight at a time, so the feed (and every live stream) sees a stack's
 * events in publish order. Dedupe: an event with a dedupe key has a deterministic id; when several replicas
 * record the same event each stores its copy, and readers (listings, the live fan-out) show it once.
 */
import { deploymentEvent, GRAPHIUM_CONTEXT, type DeploymentEvent } from '@graphium/shared';
import type { MangoQuery, MangoSelector, SortOrder } from 'nano';
import type { Logger } from 'pino';
import type { Clock, EventLog, NewEvent } from '../ports.js';
import { Batcher } from '../store/batcher.js';
import { ChangeFollower } from '../store/changeFollower.js';
import type { BulkRow, Couch, Database } from '../store/couch.js';
import { bulkRowError } from '../store/errors.js';
import { dedupedEventId, eventPageId, freshEventId } from './eventIds.js';

export interface EventLogOptions {
  /** Longest longpoll of the changes feed, ms (ChangeFollower's default when absent). */
  pollMs?: number | undefined;
}

type Listener = (event: DeploymentEvent) => void;

const PAGE_TYPE = 'DeploymentEventPage';

/** Most events in one page (and one grouped write). */
const MAX_PAGE_EVENTS = 200;

/** How many delivered event ids the live fan-out remembers, to show an event stored by several replicas once. */
const DELIVERED_MEMORY = 10_000;

/** The events a stored document holds: a page's, or the single event of a document from before pages. */
function eventsOf(doc: Record<string, unknown>): unknown[] {
  if (doc['@type'] === PAGE_TYPE) return Array.isArray(doc['@graph']) ? doc['@graph'] : [];
  if (doc['@type'] === 'DeploymentEvent') return [doc];
  return [];
}

/** One page per stack (and one for events of no stack), events in publish order, pages in first-event order. */
function pagesOf(events: readonly DeploymentEvent[]): Record<string, unknown>[] {
  const byStack = new Map<string | undefined, DeploymentEvent[]>();
  for (const event of events) {
    const group = byStack.get(event.stackId);
    if (group === undefined) byStack.set(event.stackId, [event]);
    else group.push(event);
  }
  return [...byStack].map(([stackId, group]) => {
    const timestamp = group.reduce((newest, e) => (e.timestamp > newest ? e.timestamp : newest), group[0]!.timestamp);
    const id = eventPageId(timestamp);
    return {
      '@context': GRAPHIUM_CONTEXT,
      '@type': PAGE_TYPE,
      '@id': id,
      _id: id,
      ...(stackId === undefined ? {} : { stackId }),
      timestamp,
      '@graph': group,
    };
  });
}

export class CouchEventLog implements EventLog {
  private readonly db: Database;
  private readonly listeners = new Set<Listener>();
  private readonly follower: ChangeFollower;
  /** Events published close together are stored in one `_bulk_docs` request, a page per stack. */
  private readonly writes: Batcher<DeploymentEvent, void>;
  /** Ids of events the fan-out delivered lately, oldest first. */
  private readonly delivered = new Set<string>();

  constructor(
    couch: Couch,
    private readonly clock: Clock,
    private readonly log: Logger,
    options: EventLogOptions = {},
  ) {
    this.db = couch.db.events;
    this.follower = new ChangeFollower({
      couch,
      db: 'events',
      log,
      pollMs: options.pollMs,
      // Events come several per task change: gathering them for 50 ms saves a feed answer per few events.
      settleMs: 50,
      onChanges: (docs) => this.fanOut(docs),
    });
    // One batch in flight at a time: the feed (and so every live stream) then sees events in publish order.
    this.writes = new Batcher((events) => this.writePages(events), { maxInFlight: 1, maxBatch: MAX_PAGE_EVENTS });
  }

  async publish(input: NewEvent): Promise<DeploymentEvent> {
    const timestamp = new Date(this.clock.now()).toISOString();
    // Built here from typed parts, so not parsed again (one event per task change; readers validate).
    const event: DeploymentEvent = {
      '@context': GRAPHIUM_CONTEXT,
      '@type': 'DeploymentEvent',
      '@id': input.dedupeKey === undefined ? freshEventId(timestamp) : dedupedEventId(input.type, input.dedupeKey),
      type: input.type,
      timestamp,
      ...(input.stackId === undefined ? {} : { stackId: input.stackId }),
      ...(input.hostId === undefined ? {} : { hostId: input.hostId }),
      ...(input.taskId === undefined ? {} : { taskId: input.taskId }),
      ...(input.message === undefined ? {} : { message: input.message }),
      data: input.data ?? {},
    };
    await this.writes.submit(event);
    return event;
  }

  async list(query: { stackId?: string | undefined; limit: number }): Promise<DeploymentEvent[]> {
    const { stackId } = query;
    const byStack = stackId !== undefined;
    const selector: MangoSelector = { timestamp: { $gt: null } };
    if (byStack) selector.stackId = stackId;
    // The newest `limit` pages hold the newest `limit` events: each page's newest event is at least as new
    // as anything in an older page.
    const request: MangoQuery = {
      selector,
      sort: (byStack ? ['stackId', 'timestamp'] : ['timestamp']).map((field): SortOrder => ({ [field]: 'desc' })),
      limit: query.limit,
      use_index: byStack ? 'events-stack-time' : 'events-time',
    };
    const found = await this.db.find(request);
    const seen = new Set<string>();
    const events: DeploymentEvent[] = [];
    // Oldest page first (ids order one replica's pages of the same millisecond), each page's events in
    // publish order; then by time, with a stable sort that keeps this order among equal times.
    const pages = found.docs.sort((a, b) => compareText(String(a['timestamp']), String(b['timestamp'])) || compareText(a._id, b._id));
    for (const doc of pages) {
      for (const event of this.readEvents(doc)) {
        if (seen.has(event['@id'])) continue;
        seen.add(event['@id']);
        events.push(event);
      }
    }
    events.sort((a, b) => compareText(a.timestamp, b.timestamp));
    return events.slice(-query.limit);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  async stop(): Promise<void> {
    await this.writes.drained();
    await this.follower.stop();
  }

  private async writePages(events: DeploymentEvent[]): Promise<void[]> {
    const pages = pagesOf(events);
    const rows = (await this.db.bulk({ docs: pages })) as BulkRow[];
    rows.forEach((row, i) => {
      if (row.error !== undefined || row.rev === undefined) throw bulkRowError(String(pages[i]?._id), row);
    });
    return events.map(() => undefined);
  }

  private fanOut(docs: Record<string, unknown>[]): void {
    if (this.listeners.size === 0) return;
    for (const doc of docs) {
      if (doc._deleted === true) continue;
      for (const event of this.readEvents(doc)) {
        if (!this.firstDelivery(event['@id'])) continue;
        for (const listener of [...this.listeners]) {
          try {
            listener(event);
          } catch (error) {
            this.log.error({ event: 'events.listener_failed', err: error });
          }
        }
      }
    }
  }

  /** The valid events a stored document holds, as clients see them; an unreadable one is logged and skipped. */
  private *readEvents(doc: Record<string, unknown>): Generator<DeploymentEvent> {
    for (const raw of eventsOf(doc)) {
      const parsed = deploymentEvent.safeParse(raw);
      if (parsed.success) yield withoutStoreFields(parsed.data);
      else this.log.warn({ event: 'events.unreadable', id: doc._id });
    }
  }

  /** False when this event id was delivered lately (another replica stored the same event). */
  private firstDelivery(id: string): boolean {
    if (this.delivered.has(id)) return false;
    this.delivered.add(id);
    if (this.delivered.size > DELIVERED_MEMORY) {
      const oldest = this.delivered.values().next();
      if (oldest.done !== true) this.delivered.delete(oldest.value);
    }
    return true;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An event as clients see it: a document from before pages carries its own `_id` and `_rev`. */
function withoutStoreFields(event: DeploymentEvent): DeploymentEvent {
  if (event._id === undefined && event._rev === undefined) return event;
  const { _id: _ignoredId, _rev: _ignoredRev, ...rest } = event;
  return rest as DeploymentEvent;
}
