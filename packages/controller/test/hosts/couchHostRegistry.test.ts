/**
 * CouchHostRegistry on the real store (embedded, or the CouchDB at COUCHDB_URL), both ways it runs: started
 * (hosts in memory, kept by the hosts feed: what the controller runs) and not started (every read from the
 * store). Across replicas a started registry's reads are eventually consistent, so those reads poll.
 */
import { AppError, type RegisterAgentRequest } from '@graphium/shared';
import pino from 'pino';
import { CouchEventLog } from '../../src/events/couchEventLog.js';
import { CouchHostRegistry } from '../../src/hosts/couchHostRegistry.js';
import { HostLivenessMonitor } from '../../src/hosts/livenessMonitor.js';
import type { Couch } from '../../src/store/couch.js';
import { useTestStore } from '../support/store.js';
import { ManualClock } from '../support/manualClock.js';

const store = useTestStore();
const log = pino({ level: 'silent' });
const REGISTRATION: RegisterAgentRequest = { address: '10.0.0.5', labels: { zone: 'a' }, resources: { cpus: 4, memory: 8 * 1024 ** 3 } };
const LOAD = { cpuPercent: 10, memoryUsed: 1, memoryAvailable: 2, containerCount: 3 };

const started: CouchHostRegistry[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((hosts) => hosts.stop()));
});

/** Retries an expectation until it holds (a replica's copy follows the feed), at most 5 s. */
async function eventually(check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
}

describe.each([
  ['started: hosts in memory, kept by the feed', true],
  ['not started: every read from the store', false],
])(`CouchHostRegistry (${store.kind}), %s`, (_name, follow) => {
  let couch: Couch;
  let clock: ManualClock;

  /** A registry as one controller replica has it (its own event log), sharing the store and the clock. */
  function replica(couchOfReplica: Couch, clockOfReplica: ManualClock) {
    const events = new CouchEventLog(couchOfReplica, clockOfReplica, log);
    const hosts = new CouchHostRegistry(couchOfReplica, events, clockOfReplica, log, { heartbeatTimeoutMs: 30_000 });
    return { events, hosts };
  }

  /** replica(), started when this run follows the feed. */
  async function startedReplica(couchOfReplica: Couch, clockOfReplica: ManualClock) {
    const r = replica(couchOfReplica, clockOfReplica);
    if (follow) {
      await r.hosts.start();
      started.push(r.hosts);
    }
    return r;
  }

  beforeEach(async () => {
    couch = await store.couch();
    clock = new ManualClock();
  });

  it('registers a host as `host:{hostId}`, online, with a fresh session, and records host_registered', async () => {
    const { hosts, events } = await startedReplica(couch, clock);
    const registered = await hosts.register('vm1', REGISTRATION);
    expect(registered).toEqual({ hostId: 'vm1', agentSession: expect.any(String), heartbeatIntervalSeconds: 10, leaseSeconds: 60 });
    const doc = await couch.db.hosts.get('host:vm1');
    expect(doc).toMatchObject({ '@type': 'Host', '@id': 'host:vm1', hostId: 'vm1', status: 'online', agentSession: registered.agentSession, labels: { zone: 'a' } });
    expect((await events.list({ limit: 10 })).map((e) => e.type)).toEqual(['host_registered']);
  });

  it('tells agents to beat at least three times per heartbeat timeout', async () => {
    const events = new CouchEventLog(couch, clock, log);
    const interval = async (heartbeatTimeoutMs: number) =>
      (await new CouchHostRegistry(couch, events, clock, log, { heartbeatTimeoutMs }).register(`vm-${heartbeatTimeoutMs}`, REGISTRATION)).heartbeatIntervalSeconds;
    expect(await interval(60_000)).toBe(10);
    expect(await interval(15_000)).toBe(5);
    expect(await interval(5_000)).toBe(1);
  });

  it('replaces the session on every registration: the old one is refused with AGENT_SESSION_CONFLICT', async () => {
    const { hosts } = await startedReplica(couch, clock);
    const first = await hosts.register('vm1', REGISTRATION);
    const second = await hosts.register('vm1', REGISTRATION);
    expect(second.agentSession).not.toBe(first.agentSession);
    expect(await codeOf(hosts.heartbeat('vm1', { agentSession: first.agentSession, load: LOAD, usedHostPorts: [] }))).toBe('AGENT_SESSION_CONFLICT');
    expect(await codeOf(hosts.assertSession('vm1', first.agentSession))).toBe('AGENT_SESSION_CONFLICT');
    expect(await codeOf(hosts.assertSession('vm1', second.agentSession))).toBe('resolved');
    expect(await codeOf(hosts.heartbeat('ghost', { agentSession: 'x', load: LOAD, usedHostPorts: [] }))).toBe('AGENT_SESSION_CONFLICT');
  });

  it('takes load, used ports and lastSeen from heartbeats, also when they cross a drain and a sweep', async () => {
    const a = await startedReplica(couch, clock);
    const b = await startedReplica(couch, clock);
    const { agentSession } = await a.hosts.register('vm1', REGISTRATION);
    clock.advance(10_000);
    const beat = (i: number) => a.hosts.heartbeat('vm1', { agentSession, load: { ...LOAD, containerCount: i }, usedHostPorts: [8080 + i] });
    await Promise.all([beat(1), b.hosts.drain('vm1'), beat(2), b.hosts.markOffline(), beat(3)]);
    for (const registry of [a.hosts, b.hosts]) {
      await eventually(async () => {
        const host = (await registry.get('vm1'))!;
        expect(host.status).toBe('draining');
        expect(host.lastSeen).toBe('2030-01-01T00:00:10.000Z');
        expect(host.usedHostPorts).toHaveLength(1);
        expect(host.load?.containerCount).toBe(host.usedHostPorts[0]! - 8080);
      });
    }
  });

  it('marks a silent host offline once, with one host_offline event, even with two replicas racing', async () => {
    const a = await startedReplica(couch, clock);
    const b = await startedReplica(couch, clock);
    const { agentSession } = await a.hosts.register('vm1', REGISTRATION);
    await a.hosts.register('vm2', REGISTRATION);
    clock.advance(20_000);
    const vm2 = await a.hosts.get('vm2');
    await a.hosts.heartbeat('vm2', { agentSession: vm2!.agentSession!, load: LOAD, usedHostPorts: [] });
    expect(await a.hosts.markOffline()).toEqual([]);

    // Both replicas know both hosts as they are now before they race.
    await eventually(async () => expect((await b.hosts.get('vm2'))!.lastSeen).toBe('2030-01-01T00:00:20.000Z'));
    clock.advance(15_000);
    const [fromA, fromB] = await Promise.all([a.hosts.markOffline(), b.hosts.markOffline()]);
    expect([...fromA, ...fromB].map((h) => h.hostId)).toEqual(['vm1']);
    await eventually(async () => expect((await a.hosts.get('vm1'))!.status).toBe('offline'));
    expect((await a.hosts.get('vm2'))!.status).toBe('online');
    const offline = (await a.events.list({ limit: 50 })).filter((e) => e.type === 'host_offline');
    expect(offline).toHaveLength(1);
    expect(offline[0]).toMatchObject({ hostId: 'vm1', data: { lastSeen: '2030-01-01T00:00:00.000Z' } });

    // The same stale state noticed again (another replica, a later sweep) writes no second event.
    await a.events.publish({ type: 'host_offline', hostId: 'vm1', dedupeKey: 'vm1:2030-01-01T00:00:00.000Z' });
    expect((await a.events.list({ limit: 50 })).filter((e) => e.type === 'host_offline')).toHaveLength(1);

    const back = await b.hosts.heartbeat('vm1', { agentSession, load: LOAD, usedHostPorts: [] });
    expect(back.status).toBe('online');
    expect((await a.events.list({ limit: 50 })).map((e) => e.type)).toContain('host_online');
  });

  it("a session registered on another replica is accepted at once, and the replaced one refused at once", async () => {
    const a = await startedReplica(couch, clock);
    const b = await startedReplica(couch, clock);
    const old = await a.hosts.register('vm1', REGISTRATION);
    await eventually(async () => expect((await b.hosts.get('vm1'))?.agentSession).toBe(old.agentSession));
    // b's copy still holds the old session when the new one first shows up there: a fresh read decides.
    const renewed = await a.hosts.register('vm1', REGISTRATION);
    expect(await codeOf(b.hosts.assertSession('vm1', renewed.agentSession))).toBe('resolved');
    expect(await codeOf(b.hosts.assertSession('vm1', old.agentSession))).toBe('AGENT_SESSION_CONFLICT');
    expect(await codeOf(b.hosts.heartbeat('vm1', { agentSession: renewed.agentSession, load: LOAD, usedHostPorts: [] }))).toBe('resolved');
    await eventually(async () => expect((await a.hosts.list()).map((h) => h.agentSession)).toEqual([renewed.agentSession]));
  });

  it('drains: no longer online, kept draining across registrations and missed heartbeats', async () => {
    const { hosts, events } = await startedReplica(couch, clock);
    await hosts.register('vm1', REGISTRATION);
    expect((await hosts.drain('vm1')).status).toBe('draining');
    expect((await hosts.drain('vm1')).status).toBe('draining');
    await hosts.register('vm1', REGISTRATION);
    expect((await hosts.get('vm1'))!.status).toBe('draining');
    clock.advance(60_000);
    expect(await hosts.markOffline()).toEqual([]);
    expect((await hosts.get('vm1'))!.status).toBe('draining');
    expect((await events.list({ limit: 50 })).filter((e) => e.type === 'host_draining')).toHaveLength(1);
    expect(await codeOf(hosts.drain('ghost'))).toBe('NOT_FOUND');
  });

  it('lists every host by id; get answers undefined for an unknown host', async () => {
    const { hosts } = await startedReplica(couch, clock);
    for (const id of ['vm3', 'vm1', 'vm2']) await hosts.register(id, REGISTRATION);
    expect((await hosts.list()).map((h) => h.hostId)).toEqual(['vm1', 'vm2', 'vm3']);
    expect(await hosts.get('nope')).toBeUndefined();
  });

  it('HostLivenessMonitor sweeps on its interval and stops cleanly', async () => {
    const { hosts } = await startedReplica(couch, clock);
    await hosts.register('vm1', REGISTRATION);
    clock.advance(31_000);
    const monitor = new HostLivenessMonitor(hosts, log, 20);
    monitor.start();
    const deadline = Date.now() + 5_000;
    while ((await hosts.get('vm1'))!.status !== 'offline' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await monitor.stop();
    expect((await hosts.get('vm1'))!.status).toBe('offline');
  });
});
