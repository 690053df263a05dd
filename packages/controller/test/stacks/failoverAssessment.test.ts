import fc from 'fast-check';
import type { HostSnapshot, StackStatus } from '@graphium/shared';
import { assessFailover } from '../../src/stacks/failoverAssessment.js';
import { deployed, host, stackSpec, withStatus } from './failoverFixtures.js';

const fleet = [host('h1'), host('h2'), host('h3'), host('h4')];

/** db (fixed port), cache (random port), api (needs both), web (pinned to h4, needs api). */
const shop = stackSpec('shop', { placementStrategy: 'auto' }, [
  { name: 'db', ports: [{ containerPort: 5432, hostPort: 15432 }] },
  { name: 'cache', ports: [{ containerPort: 6379 }] },
  { name: 'api', dependsOn: ['db', 'cache'] },
  { name: 'web', locatedInHost: 'h4', dependsOn: ['api'], ports: [{ containerPort: 80, hostPort: 8080 }] },
]);
const layout = { db: 'h1', cache: 'h2', api: 'h3', web: 'h4' };

describe('assessFailover', () => {
  const { stack, state } = deployed(shop, layout, fleet);

  it('moves nothing while every host is healthy; a draining host counts as healthy', () => {
    for (const hosts of [fleet, withStatus(fleet, 'draining', 'h1', 'h2')]) {
      const assessment = assessFailover({ stack, state, hosts });
      expect(assessment).toMatchObject({ eligible: true, moves: {}, stranded: {}, recovered: [] });
    }
  });

  it('moves a container off an offline host onto an online one, explaining the choice', () => {
    const hosts = withStatus(withStatus(fleet, 'offline', 'h1'), 'draining', 'h2', 'h3');
    const assessment = assessFailover({ stack, state, hosts });
    // h2 and h3 drain, h1 is down: h4 is the only host that takes new containers.
    expect(assessment.moves).toEqual({ db: { from: 'h1', hostId: 'h4', hostAddress: '10.0.0.4' } });
    expect(assessment.stranded).toEqual({});
    expect(assessment.explanation.db).toMatchObject({ chosen: 'h4', hostsEvaluated: 4, hostsEligible: 1 });
    expect(Object.keys(assessment.explanation)).toEqual(['db']);
  });

  it('keeps a pinned container where it is and says why', () => {
    const assessment = assessFailover({ stack, state, hosts: withStatus(fleet, 'offline', 'h4') });
    expect(assessment.moves).toEqual({});
    expect(assessment.stranded).toEqual({
      web: {
        hostId: 'h4',
        reason: 'pinned',
        message: 'container "web" stays on offline host "h4": pinned there by locatedInHost; it runs again when the host is back',
      },
    });
  });

  it('moves nothing of a manual-strategy stack', () => {
    const manual = stackSpec('manual', { placementStrategy: 'manual', hostConstraints: [{ requiredDatacenter: 'dc1' }] }, [{ name: 'one' }]);
    const hosts = fleet.map((h) => ({ ...h, datacenter: 'dc1' }));
    const { stack, state } = deployed(manual, { one: 'h1' }, hosts);
    const assessment = assessFailover({ stack, state, hosts: withStatus(hosts, 'offline', 'h1') });
    expect(assessment.moves).toEqual({});
    expect(assessment.stranded.one).toMatchObject({ hostId: 'h1', reason: 'manual' });
    expect(assessment.stranded.one?.message).toContain('the manual strategy moves nothing by itself');
  });

  it('strands what no healthy host can take, naming the reason, and still moves the rest', () => {
    const ssd = stackSpec('ssd', { placementStrategy: 'auto', hostConstraints: [{ containerName: 'db', labels: { disk: 'ssd' } }] }, [
      { name: 'db' },
      { name: 'cache' },
    ]);
    const hosts = fleet.map((h) => (h.id === 'h1' ? { ...h, labels: { disk: 'ssd' } } : h));
    const { stack, state } = deployed(ssd, { db: 'h1', cache: 'h1' }, hosts);
    const assessment = assessFailover({ stack, state, hosts: withStatus(hosts, 'offline', 'h1') });
    expect(Object.keys(assessment.moves)).toEqual(['cache']);
    expect(assessment.moves.cache?.hostId).not.toBe('h1');
    expect(assessment.stranded.db).toMatchObject({ hostId: 'h1', reason: 'unplaceable' });
    expect(assessment.stranded.db?.message).toBe(
      'container "db" could not move off offline host "h1": no eligible host among 4: 1 offline or draining, 3 missing label disk=ssd; tried again on the next sweep',
    );
  });

  it('moves a single-host stack whole onto one host, or not at all', () => {
    const single = stackSpec('single', { mode: 'single-host', placementStrategy: 'auto' }, [
      { name: 'a' },
      { name: 'b', dependsOn: ['a'] },
      { name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }] },
    ]);
    const { stack, state } = deployed(single, { a: 'h1', b: 'h1', c: 'h1' }, fleet);
    const moved = assessFailover({ stack, state, hosts: withStatus(fleet, 'offline', 'h1') });
    expect(Object.keys(moved.moves).sort()).toEqual(['a', 'b', 'c']);
    expect(new Set(Object.values(moved.moves).map((m) => m.hostId)).size).toBe(1);

    // Port 8080 is taken on every other host: c cannot go anywhere, so neither can a and b.
    const busy = withStatus(fleet, 'offline', 'h1').map((h) => (h.id === 'h1' ? h : { ...h, usedHostPorts: [8080] }));
    const stuck = assessFailover({ stack, state, hosts: busy });
    expect(stuck.moves).toEqual({});
    expect(Object.keys(stuck.stranded).sort()).toEqual(['a', 'b', 'c']);
    expect(stuck.stranded.c?.message).toContain('with host port 8080/tcp taken');
    expect(stuck.stranded.a?.message).toContain('the single-host stack cannot move whole');
  });

  it('keeps a single-host stack anchored by a pin where it is', () => {
    const anchored = stackSpec('anchored', { mode: 'single-host', placementStrategy: 'auto' }, [{ name: 'a', locatedInHost: 'h1' }, { name: 'b' }]);
    const { stack, state } = deployed(anchored, { a: 'h1', b: 'h1' }, fleet);
    const assessment = assessFailover({ stack, state, hosts: withStatus(fleet, 'offline', 'h1') });
    expect(assessment.moves).toEqual({});
    expect(assessment.stranded.b).toMatchObject({ reason: 'pinned' });
    expect(assessment.stranded.b?.message).toContain('the single-host stack is pinned by container "a"');
  });

  it('keeps the datacenter strategy in the datacenter the rest of the stack runs in', () => {
    const dc = stackSpec('dc', { placementStrategy: 'datacenter' }, [{ name: 'a' }, { name: 'b' }]);
    // dc-b is emptier and larger; the stack runs in dc-a, so a moves within dc-a.
    const hosts = [
      host('h1', { datacenter: 'dc-a' }),
      host('h2', { datacenter: 'dc-a', load: { cpuPercent: 90, memoryUsed: 7 * 2 ** 30, memoryAvailable: 2 ** 30, containerCount: 20 } }),
      host('h3', { datacenter: 'dc-b' }),
      host('h4', { datacenter: 'dc-b' }),
    ];
    const { stack, state } = deployed(dc, { a: 'h1', b: 'h2' }, hosts);
    const assessment = assessFailover({ stack, state, hosts: withStatus(hosts, 'offline', 'h1') });
    expect(assessment.moves.a).toMatchObject({ hostId: 'h2' });
  });

  it.each<[StackStatus, 'deploy' | 'stop' | 'start' | 'remove']>([
    ['stopped', 'stop'],
    ['stopping', 'stop'],
    ['deleting', 'remove'],
    ['error', 'deploy'],
    ['pending', 'deploy'],
  ])('leaves a %s stack alone', (status, action) => {
    const assessment = assessFailover({ stack: { ...stack, status, action }, state, hosts: withStatus(fleet, 'offline', 'h1') });
    expect(assessment).toMatchObject({ eligible: false, moves: {} });
  });

  it('acts on deploying (also starting) and degraded stacks, and only on the state of the current generation', () => {
    const hosts = withStatus(fleet, 'offline', 'h1');
    expect(assessFailover({ stack: { ...stack, status: 'deploying', action: 'start' }, state, hosts }).moves.db).toBeDefined();
    expect(assessFailover({ stack: { ...stack, status: 'degraded' }, state, hosts }).moves.db).toBeDefined();
    expect(assessFailover({ stack: { ...stack, generation: 2 }, state, hosts }).eligible).toBe(false);
  });

  it('reports stranded containers whose host is back as recovered', () => {
    const stranded = { web: { hostId: 'h4', reason: 'pinned' as const, message: 'm' }, api: { hostId: 'h3', reason: 'dependency' as const, dependency: 'x', message: 'm' } };
    const assessment = assessFailover({ stack, state: { ...state, failover: { stranded, moved: {}, cleanups: [] } }, hosts: fleet });
    expect(assessment.recovered).toEqual(['web']);
  });

  it('never moves onto a host that is not online, never moves a pinned container, and answers the same twice', () => {
    const statuses = fc.constantFrom<HostSnapshot['status']>('online', 'offline', 'draining');
    fc.assert(
      fc.property(fc.tuple(statuses, statuses, statuses, statuses), (status) => {
        const hosts = fleet.map((h, i) => ({ ...h, status: status[i]! }));
        const assessment = assessFailover({ stack, state, hosts });
        expect(assessFailover({ stack, state, hosts })).toEqual(assessment);
        const byId = new Map(hosts.map((h) => [h.id, h]));
        for (const [name, move] of Object.entries(assessment.moves)) {
          expect(byId.get(move.hostId)?.status).toBe('online');
          expect(move.from).toBe(layout[name as keyof typeof layout]);
          expect(name).not.toBe('web');
        }
        // Every container on an offline host either moves or is stranded; no other container does either.
        for (const [name, hostId] of Object.entries(layout)) {
          const down = byId.get(hostId)?.status === 'offline';
          expect(assessment.moves[name] !== undefined || assessment.stranded[name] !== undefined).toBe(down);
        }
      }),
    );
  });
});
