/**
 * The append-only event log in the `events` database, and its live side: every replica follows the
 * database's `_changes` feed (ChangeFollower: bounded longpolls, back-off, never throws) and fans each new
 * event out to its in-process subscribers — so a client connected to any replica sees what every replica
 * wrote. A listener that throws is logged and does not disturb the others.
 *
 * Writes are grouped: events published while a write is in flight travel together in one `_bulk_docs`.
 *
 * Listings return the most recent `limit` events, oldest first (what a history view or a reconnecting
 * stream wants), through the [stackId, timestamp] or [timestamp] index, sorted descending in the store.
 */
import { deploymentEvent, GRAPHIUM_CONTEXT, type DeploymentEvent } from '@graphium/shared';
import type { MangoQuery, MangoSelector, SortOrder } from 'nano';
import type { Logger } from 'pino';
import type { Clock, EventLog, NewEvent } from '../ports.js';
import { Batcher } from '../store/batcher.js';
import { ChangeFollower } from '../store/changeFollower.js';
import type { BulkRow, Couch, Database } from '../store/couch.js';
import { bulkRowError } from '../store/errors.js';
import { dedupedEventId, freshEventId } from './eventIds.js';

export interface EventLogOptions {
  /** Longest longpoll of the changes feed, ms (ChangeFollower's default when absent). */
  pollMs?: number | undefined;
}

type Listener = (event: DeploymentEvent) => void;

export class CouchEventLog implements EventLog {
  private readonly db: Database;
  private readonly listeners = new Set<Listener>();
  private readonly follower: ChangeFollower;
  /** Events published close together are stored in one `_bulk_docs` request (single writes are slow). */
  private readonly writes: Batcher<Record<string, unknown>, BulkRow>;

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
      onChanges: (docs) => this.fanOut(docs),
    });
    // One batch in flight at a time: the feed (and so every live stream) then sees events in publish order.
    this.writes = new Batcher(async (docs) => (await this.db.bulk({ docs })) as BulkRow[], { maxInFlight: 1 });
  }

  async publish(input: NewEvent): Promise<DeploymentEvent> {
    const timestamp = new Date(this.clock.now()).toISOString();
    const id = input.dedupeKey === undefined ? freshEventId(timestamp) : dedupedEventId(input.type, input.dedupeKey);
    const event = deploymentEvent.parse({
      '@context': GRAPHIUM_CONTEXT,
      '@type': 'DeploymentEvent',
      '@id': id,
      _id: id,
      type: input.type,
      timestamp,
      stackId: input.stackId,
      hostId: input.hostId,
      taskId: input.taskId,
      message: input.message,
      data: input.data ?? {},
    });
    const row = await this.writes.submit(event as Record<string, unknown>);
    if (row.rev !== undefined) return { ...event, _rev: row.rev };
    // Same dedupe id: another replica (or an earlier call) recorded this very event. Theirs stands.
    if (input.dedupeKey !== undefined && row.error === 'conflict') return deploymentEvent.parse(await this.db.get(id));
    throw bulkRowError(id, row);
  }

  async list(query: { stackId?: string | undefined; limit: number }): Promise<DeploymentEvent[]> {
    const { stackId } = query;
    const byStack = stackId !== undefined;
    const selector: MangoSelector = { timestamp: { $gt: null } };
    if (byStack) selector.stackId = stackId;
    const request: MangoQuery = {
      selector,
      sort: (byStack ? ['stackId', 'timestamp'] : ['timestamp']).map((field): SortOrder => ({ [field]: 'desc' })),
      limit: query.limit,
      use_index: byStack ? 'events-stack-time' : 'events-time',
    };
    const found = await this.db.find(request);
    return found.docs.map((doc) => deploymentEvent.parse(doc)).reverse();
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

  private fanOut(docs: Record<string, unknown>[]): void {
    for (const doc of docs) {
      if (doc._deleted === true || doc['@type'] !== 'DeploymentEvent') continue;
      const parsed = deploymentEvent.safeParse(doc);
      if (!parsed.success) {
        this.log.warn({ event: 'events.unreadable', id: doc._id });
        continue;
      }
      for (const listener of [...this.listeners]) {
        try {
          listener(parsed.data);
        } catch (error) {
          this.log.error({ event: 'events.listener_failed', err: error });
        }
      }
    }
  }
}
