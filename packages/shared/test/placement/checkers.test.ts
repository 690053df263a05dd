import {
  CHECKERS,
  cpuChecker,
  datacenterChecker,
  labelsChecker,
  memoryChecker,
  offlineChecker,
  pinnedChecker,
  portChecker,
  type Checker,
  type ContainerNeed,
} from '../../src/placement/index.js';
import type { HostSnapshot } from '../../src/models/host.js';
import { GIB, MIB, host, load, need, stateOf } from './fixtures.js';

interface Row {
  name: string;
  host: HostSnapshot;
  planned?: Parameters<typeof stateOf>[1];
  need: ContainerNeed;
  /** null: passes; a string: refused with a message containing it. */
  refused: string | null;
}

function table(checker: Checker, rows: Row[]) {
  describe(`${checker.name} checker`, () => {
    it.each(rows)('$name', (row) => {
      const state = stateOf(row.host, row.planned);
      const message = checker.check(state, row.need);
      if (row.refused === null) expect(message).toBeNull();
      else expect(message).toContain(row.refused);
      // passes() and check() agree whenever the checker applies.
      if (checker.applies(row.need)) expect(checker.passes(state, row.need)).toBe(row.refused === null);
    });
  });
}

table(offlineChecker, [
  { name: 'online host passes', host: host('h1'), need: need(), refused: null },
  { name: 'offline host is refused', host: host('h1', { status: 'offline' }), need: need(), refused: 'offline' },
  { name: 'draining host is refused', host: host('h1', { status: 'draining' }), need: need(), refused: 'draining' },
]);

table(pinnedChecker, [
  { name: 'no pin: any host', host: host('h1'), need: need(), refused: null },
  {
    name: 'the pinned host passes',
    host: host('h1'),
    need: need({ pins: [{ hostId: 'h1', source: 'locatedInHost' }] }),
    refused: null,
  },
  {
    name: 'another host is refused, naming pin and source',
    host: host('h2'),
    need: need({ pins: [{ hostId: 'h1', source: 'hostConstraint' }] }),
    refused: 'pinned to host "h1" by hostConstraint',
  },
  {
    name: 'two different pins: even one of them is refused',
    host: host('h1'),
    need: need({
      pins: [
        { hostId: 'h1', source: 'locatedInHost' },
        { hostId: 'h2', source: 'hostConstraint' },
      ],
    }),
    refused: '"h2"',
  },
]);

table(datacenterChecker, [
  { name: 'no requirement: any host', host: host('h1', { datacenter: undefined }), need: need(), refused: null },
  {
    name: 'required datacenter matches',
    host: host('h1', { datacenter: 'dc2' }),
    need: need({ datacenters: [{ name: 'dc2', source: 'requiredDatacenter' }] }),
    refused: null,
  },
  {
    name: 'other datacenter is refused',
    host: host('h1', { datacenter: 'dc1' }),
    need: need({ datacenters: [{ name: 'dc2', source: 'requiredDatacenter' }] }),
    refused: 'host is in "dc1"; requiredDatacenter is "dc2"',
  },
  {
    name: 'host without datacenter is refused',
    host: host('h1', { datacenter: undefined }),
    need: need({ datacenters: [{ name: 'dc2', source: 'strategy' }] }),
    refused: 'host has no datacenter; the datacenter strategy placed the stack in "dc2"',
  },
]);

table(labelsChecker, [
  { name: 'no labels required', host: host('h1'), need: need(), refused: null },
  {
    name: 'all required labels equal',
    host: host('h1', { labels: { disk: 'ssd', gpu: 'true', extra: 'x' } }),
    need: need({ labels: [['disk', 'ssd'], ['gpu', 'true']] }),
    refused: null,
  },
  {
    name: 'missing label is refused',
    host: host('h1', { labels: {} }),
    need: need({ labels: [['disk', 'ssd']] }),
    refused: 'label disk=ssd missing',
  },
  {
    name: 'different value is refused',
    host: host('h1', { labels: { disk: 'hdd' } }),
    need: need({ labels: [['disk', 'ssd']] }),
    refused: 'label disk=hdd, needs ssd',
  },
]);

table(cpuChecker, [
  { name: 'no cpu demand', host: host('h1'), planned: { cpus: 4 }, need: need(), refused: null },
  { name: 'fits exactly', host: host('h1'), need: need({ cpus: 4 }), refused: null },
  { name: 'more than the host has', host: host('h1'), need: need({ cpus: 5 }), refused: 'needs 5 CPUs, host has 4 CPUs free' },
  {
    name: 'reservations earlier in the plan count',
    host: host('h1'),
    planned: { cpus: 3.5 },
    need: need({ cpus: 1 }),
    refused: 'minus 3.5 CPUs reserved by this plan',
  },
  { name: 'what is left still fits', host: host('h1'), planned: { cpus: 3 }, need: need({ cpus: 1 }), refused: null },
]);

table(memoryChecker, [
  { name: 'no memory demand', host: host('h1'), need: need(), refused: null },
  {
    name: 'fits in available memory',
    host: host('h1', { load: load(0, 0.5, 0) }),
    need: need({ memory: 4 * GIB }),
    refused: null,
  },
  {
    name: 'live usage leaves too little',
    host: host('h1', { load: load(0, 0.75, 0) }),
    need: need({ memory: 4 * GIB }),
    refused: 'needs 4 GiB, host has 2 GiB free',
  },
  {
    name: 'reservations earlier in the plan count',
    host: host('h1'),
    planned: { memory: 7 * GIB },
    need: need({ memory: GIB + 1 }),
    refused: 'minus 7 GiB reserved by this plan',
  },
  { name: 'host without heartbeat: all memory available', host: host('h1', { load: undefined }), need: need({ memory: 8 * GIB }), refused: null },
]);

const port8080 = [{ port: 8080, protocol: 'tcp' as const, key: 8080 }];
table(portChecker, [
  { name: 'no host ports requested', host: host('h1', { usedHostPorts: [8080] }), need: need(), refused: null },
  { name: 'free port', host: host('h1', { usedHostPorts: [9090] }), need: need({ ports: port8080 }), refused: null },
  {
    name: 'port in the host inventory is refused',
    host: host('h1', { usedHostPorts: [8080] }),
    need: need({ ports: port8080 }),
    refused: 'host port 8080/tcp already taken',
  },
  {
    name: 'port taken by an earlier container of this plan',
    host: host('h1'),
    planned: { ports: [8080] },
    need: need({ ports: port8080 }),
    refused: '8080/tcp',
  },
  {
    name: 'same number over udp does not clash with a planned tcp port',
    host: host('h1'),
    planned: { ports: [53] },
    need: need({ ports: [{ port: 53, protocol: 'udp', key: 53 + 65536 }] }),
    refused: null,
  },
  {
    name: 'an inventory port blocks both protocols',
    host: host('h1', { usedHostPorts: [53] }),
    need: need({ ports: [{ port: 53, protocol: 'udp', key: 53 + 65536 }] }),
    refused: '53/udp',
  },
]);

describe('pipeline order', () => {
  it('lists every checker once, static ones before dynamic ones', () => {
    expect(CHECKERS.map((c) => c.name)).toEqual(['offline', 'pinned', 'datacenter', 'labels', 'cpu', 'memory', 'port']);
    const firstDynamic = CHECKERS.findIndex((c) => c.dynamic);
    expect(CHECKERS.slice(firstDynamic).every((c) => c.dynamic)).toBe(true);
  });

  it('has a summary for every checker to use in unsatisfiable messages', () => {
    const n = need({
      pins: [{ hostId: 'h1', source: 'locatedInHost' }],
      datacenters: [{ name: 'dc1', source: 'requiredDatacenter' }],
      labels: [['disk', 'ssd']],
      cpus: 2,
      memory: 512 * MIB,
      ports: port8080,
    });
    expect(CHECKERS.map((c) => c.summary(n))).toEqual([
      'offline or draining',
      'not the pinned host "h1"',
      'outside datacenter "dc1"',
      'missing label disk=ssd',
      'with less than 2 CPUs free',
      'with less than 512 MiB free memory',
      'with host port 8080/tcp taken',
    ]);
  });
});
