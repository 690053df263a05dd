/**
 * Hosts in the `hosts` database, one document per host with `@id` = `host:{hostId}` (the same
 * `{kind}:{id}` shape as `stack:` and `task:` ids; the bare host id stays in `hostId`).
 *
 * Every write is conditional on `_rev`. A 409 is a benign race here — a heartbeat crossing the liveness
 * sweep or a drain — so the write is re-read, re-checked and retried a few times.
 *
 * - register: a new random agent session every time, so the previous agent process (if any) is no longer
 *   live; status becomes online unless the host is draining (a drain outlives agent restarts). Handing back
 *   the tasks of the previous session is the caller's (the route's): hosts know nothing of tasks.
 * - heartbeat: only from the live session (else AGENT_SESSION_CONFLICT, also for an unknown host, so the
 *   agent's single recovery — register again — always applies); brings an offline host back online.
 * - markOffline: online hosts whose lastSeen is older than the heartbeat timeout. Draining hosts are left
 *   draining: they take no placements either way, and status can hold only one of the two. Replicas racing
 *   on the same host write one offline status (the `_rev` decides) and one event (its dedupe key is the
 *   host and the lastSeen that went stale).
 *
 * Once started, the registry keeps every host in memory, loaded once and then kept current by the hosts
 * `_changes` feed (every replica's writes) and by its own writes. Reads (get, list — every placement —
 * and the session check of every claim) then cost no store request; with a thousand agents polling, a
 * store read per claim was the controller's largest cost. The copy is never the authority: every write is
 * conditional on the `_rev` it was decided on, a decision that refuses (a session that does not match, a
 * change that throws) is taken again on a fresh read, and a 409 re-reads. So a replica that has not yet
 * seen another's write can only accept for a few milliseconds what the other just replaced — and the
 * task queue fences every report by its lease token anyway.
 */
import { randomBytes } from 'node:crypto';
import {
  AppError,
  GRAPHIUM_CONTEXT,
  hostDocument,
  LEASE_SECONDS,
  type HeartbeatRequest,
  type HostDocument,
  type RegisterAgentRequest,
  type RegisterAgentResponse,
} from '@graphium/shared';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock, EventLog, HostRegistry, NewEvent } from '../ports.js';
import { Batcher } from '../store/batcher.js';
import { ChangeFollower } from '../store/changeFollower.js';
import type { BulkRow, Couch, Database } from '../store/couch.js';
import { bulkRowError, getOrUndefined, isConflict } from '../store/errors.js';
import { isNewerRevision } from '../store/revisions.js';

export interface HostRegistryOptions {
  /** A host whose last heartbeat is older than this goes offline. Default 30 000 ms. */
  heartbeatTimeoutMs?: number | undefined;
  /**
   * Told to agents at registration. Default 10 s, or a third of the heartbeat timeout when that is shorter:
   * a host then always has three chances to be heard before it goes offline (with failover on, a host that
   * flapped offline would have its containers moved).
   */
  heartbeatIntervalSeconds?: number | undefined;
  /** Told to agents at registration. Default LEASE_SECONDS (60). */
  leaseSeconds?: number | undefined;
  /** Stale hosts handled per markOffline call; the rest wait for the next sweep. Default 500. */
  sweepBatch?: number | undefined;
}

type HostInput = z.input<typeof hostDocument>;

/** Attempts of a conditional write that keeps meeting concurrent writers; a short random pause separates them. */
const WRITE_ATTEMPTS = 8;
const pause = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));

export function hostDocId(hostId: string): string {
  return `host:${hostId}`;
}

function found(host: HostDocument | undefined, hostId: string): HostDocument {
  if (host === undefined) throw new AppError('NOT_FOUND', `no host ${hostId}`);
  return host;
}

function sessionConflict(hostId: string, why: string): AppError {
  return new AppError('AGENT_SESSION_CONFLICT', `${why}; the agent of host ${hostId} must register again`, { details: { hostId } });
}

export class CouchHostRegistry implements HostRegistry {
  private readonly db: Database;
  private readonly heartbeatTimeoutMs: number;
  private readonly heartbeatIntervalSeconds: number;
  private readonly leaseSeconds: number;
  private readonly sweepBatch: number;
  /** Every host by host id, while following the feed (start() to stop()); see the header. */
  private readonly known = new Map<string, HostDocument>();
  private readonly follower: ChangeFollower;
  private following = false;
  /** Writes of many hosts at once (a thousand agents heartbeat every 10 s) travel in one `_bulk_docs`. */
  private readonly writes: Batcher<Record<string, unknown>, BulkRow>;

  constructor(
    couch: Couch,
    private readonly events: EventLog,
    private readonly clock: Clock,
    private readonly log: Logger,
    options: HostRegistryOptions = {},
  ) {
    this.db = couch.db.hosts;
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 30_000;
    this.heartbeatIntervalSeconds = options.heartbeatIntervalSeconds ?? Math.max(1, Math.min(10, Math.floor(this.heartbeatTimeoutMs / 3000)));
    this.leaseSeconds = options.leaseSeconds ?? LEASE_SECONDS;
    this.sweepBatch = options.sweepBatch ?? 500;
    // Heartbeats trickle in one by one (1,000 agents every 10 s = 100/s): a short wait gathers them into
    // fewer writes and fewer feed answers. Other replicas' host changes then arrive up to 250 ms later.
    this.follower = new ChangeFollower({ couch, db: 'hosts', log, settleMs: 250, onChanges: (docs) => this.applyChanges(docs) });
    this.writes = new Batcher(async (docs) => (await this.db.bulk({ docs })) as BulkRow[], { lingerMs: 50 });
  }

  /** Loads every host and follows the hosts feed; from then on reads come from memory. */
  async start(): Promise<void> {
    // The feed first: whatever is written while the hosts load arrives through it (older versions are ignored).
    await this.follower.start();
    for (const host of await this.readAll()) this.remember(host);
    this.following = true;
  }

  async stop(): Promise<void> {
    this.following = false;
    await this.writes.drained();
    await this.follower.stop();
    this.known.clear();
  }

  async register(hostId: string, request: RegisterAgentRequest): Promise<RegisterAgentResponse> {
    const agentSession = randomBytes(18).toString('base64url');
    let previous: HostDocument | undefined;
    await this.update(hostId, (existing): HostInput => {
      previous = existing;
      const now = this.isoNow();
      return {
        '@context': GRAPHIUM_CONTEXT,
        '@type': 'Host',
        '@id': hostDocId(hostId),
        hostId,
        address: request.address,
        datacenter: request.datacenter,
        labels: request.labels,
        resources: request.resources,
        load: existing?.load,
        dockerVersion: request.dockerVersion,
        os: request.os,
        arch: request.arch,
        status: existing?.status === 'draining' ? 'draining' : 'online',
        usedHostPorts: existing?.usedHostPorts ?? [],
        agentSession,
        registeredAt: now,
        lastSeen: now,
      };
    });
    await this.announce({
      type: 'host_registered',
      hostId,
      message: `host ${hostId} registered at ${request.address}`,
      data: { address: request.address, datacenter: request.datacenter, previousStatus: previous?.status },
    });
    if (previous?.status === 'offline') await this.announce({ type: 'host_online', hostId, message: `host ${hostId} is back online` });
    return { hostId, agentSession, heartbeatIntervalSeconds: this.heartbeatIntervalSeconds, leaseSeconds: this.leaseSeconds };
  }

  async heartbeat(hostId: string, request: HeartbeatRequest): Promise<HostDocument> {
    let wasOffline = false;
    const updated = found(
      await this.update(hostId, (existing) => {
        if (existing === undefined) throw sessionConflict(hostId, 'the host is not registered');
        if (existing.agentSession !== request.agentSession) throw sessionConflict(hostId, 'this agent session was replaced');
        wasOffline = existing.status === 'offline';
        return {
          ...existing,
          load: request.load,
          usedHostPorts: request.usedHostPorts,
          lastSeen: this.isoNow(),
          status: existing.status === 'offline' ? 'online' : existing.status,
        };
      }),
      hostId,
    );
    if (wasOffline) {
      await this.announce({ type: 'host_online', hostId, message: `host ${hostId} is back online`, dedupeKey: `${hostId}:${updated._rev}` });
    }
    return updated;
  }

  async assertSession(hostId: string, agentSession: string): Promise<void> {
    // The memory copy may accept; only a fresh read may refuse.
    if (this.following && this.known.get(hostId)?.agentSession === agentSession) return;
    const host = await this.read(hostId);
    if (host === undefined) throw sessionConflict(hostId, 'the host is not registered');
    if (host.agentSession !== agentSession) throw sessionConflict(hostId, 'this agent session was replaced');
  }

  async get(hostId: string): Promise<HostDocument | undefined> {
    return (this.following ? this.known.get(hostId) : undefined) ?? this.read(hostId);
  }

  /** Every host, by host id. */
  async list(): Promise<HostDocument[]> {
    if (!this.following) return this.readAll();
    return [...this.known.values()].sort((a, b) => (a.hostId < b.hostId ? -1 : a.hostId > b.hostId ? 1 : 0));
  }

  /** One host from the store (and into the memory copy). */
  private async read(hostId: string): Promise<HostDocument | undefined> {
    const doc = await getOrUndefined(() => this.db.get(hostDocId(hostId)));
    if (doc === undefined) return undefined;
    const host = hostDocument.parse(doc);
    this.remember(host);
    return host;
  }

  /** Every host from the store, by host id (a key range over `_all_docs`: no index, no sorting in memory). */
  private async readAll(): Promise<HostDocument[]> {
    const result = await this.db.list({ include_docs: true, startkey: 'host:', endkey: 'host:\ufff0' });
    return result.rows.flatMap((row) => (row.doc === undefined || row.doc === null ? [] : [hostDocument.parse(row.doc)]));
  }

  /** Takes a version into the memory copy when it is newer than the one there. */
  private remember(host: HostDocument): void {
    if (isNewerRevision(host._rev, this.known.get(host.hostId)?._rev)) this.known.set(host.hostId, host);
  }

  private applyChanges(docs: Record<string, unknown>[]): void {
    for (const doc of docs) {
      if (doc['@type'] !== 'Host') continue; // design documents
      const parsed = hostDocument.safeParse(doc);
      if (parsed.success) this.remember(parsed.data);
      else this.log.warn({ event: 'hosts.unreadable', id: doc['_id'] });
    }
  }

  async drain(hostId: string): Promise<HostDocument> {
    let changed = false;
    const drained = found(
      await this.update(hostId, (existing) => {
        const host = found(existing, hostId);
        changed = host.status !== 'draining';
        return changed ? { ...host, status: 'draining' } : undefined;
      }),
      hostId,
    );
    if (changed) await this.announce({ type: 'host_draining', hostId, message: `host ${hostId} is draining: no new containers are placed on it` });
    return drained;
  }

  async markOffline(): Promise<HostDocument[]> {
    const cutoff = new Date(this.clock.now() - this.heartbeatTimeoutMs).toISOString();
    const offline: HostDocument[] = [];
    for (const stale of await this.staleHosts(cutoff)) {
      try {
        const marked = await this.markOneOffline(stale.hostId, cutoff);
        if (marked !== undefined) offline.push(marked);
      } catch (error) {
        this.log.warn({ event: 'hosts.mark_offline_failed', hostId: stale.hostId, err: error });
      }
    }
    return offline;
  }

  /** Online hosts last seen before the cutoff, oldest first (each is checked again on a fresh read). */
  private async staleHosts(cutoff: string): Promise<HostDocument[]> {
    if (this.following) {
      return [...this.known.values()]
        .filter((host) => host.status === 'online' && host.lastSeen < cutoff)
        .sort((a, b) => (a.lastSeen < b.lastSeen ? -1 : a.lastSeen > b.lastSeen ? 1 : 0))
        .slice(0, this.sweepBatch);
    }
    const found = await this.db.find({
      selector: { status: 'online', lastSeen: { $lt: cutoff } },
      sort: [{ status: 'asc' }, { lastSeen: 'asc' }],
      limit: this.sweepBatch,
      use_index: 'hosts-status-seen',
    });
    return found.docs.map((doc) => hostDocument.parse(doc));
  }

  /** The host, when this call is the one that marked it offline (then it also records the event). */
  private async markOneOffline(hostId: string, cutoff: string): Promise<HostDocument | undefined> {
    let ours = false;
    const host = await this.update(hostId, (existing) => {
      // Re-checked on every attempt: a heartbeat or another replica may have got there first.
      ours = existing?.status === 'online' && existing.lastSeen < cutoff;
      return ours && existing !== undefined ? { ...existing, status: 'offline' } : undefined;
    });
    if (!ours || host === undefined) return undefined;
    await this.announce({
      type: 'host_offline',
      hostId,
      message: `host ${hostId} missed its heartbeats since ${host.lastSeen}`,
      data: { lastSeen: host.lastSeen },
      dedupeKey: `${hostId}:${host.lastSeen}`,
    });
    return host;
  }

  /**
   * Read, change, conditional write; on 409 read again and re-apply. `change` returns the new document, or
   * undefined for "nothing to write" (then the current document, if any, is returned as it is). The first
   * attempt may start from the memory copy; a change that refuses it (throws), or finds nothing to do, is
   * decided again on a fresh read.
   */
  private async update(hostId: string, change: (existing: HostDocument | undefined) => HostInput | undefined): Promise<HostDocument | undefined> {
    let cached = this.following ? this.known.get(hostId) : undefined;
    for (let attempt = 1; ; attempt += 1) {
      const fromMemory = cached !== undefined;
      const existing = cached ?? (await this.read(hostId));
      cached = undefined;
      let next: HostInput | undefined;
      try {
        next = change(existing);
      } catch (error) {
        if (fromMemory) continue;
        throw error;
      }
      if (next === undefined) {
        if (fromMemory) continue;
        return existing;
      }
      const doc = hostDocument.parse({ ...next, _id: hostDocId(hostId), _rev: existing?._rev });
      // Conditional on `_rev`; a `conflict` row is the 409 of a single write.
      const row = await this.writes.submit(doc as Record<string, unknown>);
      if (row.rev !== undefined) {
        const stored = { ...doc, _rev: row.rev };
        this.remember(stored);
        return stored;
      }
      const refused = bulkRowError(hostDocId(hostId), row);
      if (!isConflict(refused) || attempt >= WRITE_ATTEMPTS) throw refused;
      await pause(attempt);
    }
  }

  /** Events tell what happened; failing to record one must not undo the change it reports. */
  private async announce(event: NewEvent): Promise<void> {
    try {
      await this.events.publish(event);
    } catch (error) {
      this.log.warn({ event: 'hosts.event_failed', type: event.type, hostId: event.hostId, err: error });
    }
  }

  private isoNow(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
