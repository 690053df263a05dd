import { plan, type PlanResult } from '../../src/placement/index.js';
import { GIB, host, load, names, stack } from './fixtures.js';

function placed(result: PlanResult): Record<string, string> {
  if (!result.ok) throw new Error(`plan failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return Object.fromEntries(Object.entries(result.placements).map(([c, p]) => [c, p.hostId]));
}

function failures(result: PlanResult) {
  if (result.ok) throw new Error('plan succeeded');
  return result.errors;
}

const opts = { stackId: 'stack:test' };

describe('auto strategy', () => {
  it('picks the host with the best score', () => {
    const hosts = [
      host('h1', { load: load(80, 0.8, 8) }),
      host('h2', { load: load(10, 0.2, 1) }),
      host('h3', { load: load(50, 0.5, 3) }),
    ];
    const result = plan({ hosts }, stack([{ name: 'web' }]), opts);
    expect(placed(result)).toEqual({ web: 'h2' });
    expect(result.ok && result.placements.web).toEqual({ hostId: 'h2', hostAddress: '10.0.0.2' });
    expect(result.explanation.web!.decidedBy).toBe('highest score');
  });

  it('counts containers placed earlier in the plan as load', () => {
    // Two identical hosts; each container reserves 2 of 4 CPUs: the second must go to the other host.
    const hosts = [host('h1'), host('h2')];
    const reserve = { resources: { reservations: { cpus: 2 } } };
    const result = plan({ hosts }, stack([{ name: 'a', ...reserve }, { name: 'b', ...reserve }]), opts);
    const p = placed(result);
    expect(p.a).not.toBe(p.b);
  });

  it('places a dependent next to its dependency (affinity) when hosts are otherwise equal', () => {
    const hosts = [host('h1'), host('h2'), host('h3')];
    const result = plan({ hosts }, stack([{ name: 'web', dependsOn: [{ name: 'db' }] }, { name: 'db' }]), opts);
    const p = placed(result);
    expect(p.web).toBe(p.db);
    const affinity = result.explanation.web!.top[0]!.terms.find((t) => t.name === 'affinity');
    expect(affinity?.value).toBe(25);
  });

  it('prefers the targetDatacenter without requiring it', () => {
    const hosts = [host('h1', { datacenter: 'dc1' }), host('h2', { datacenter: 'dc2', status: 'offline' })];
    const result = plan({ hosts }, stack([{ name: 'web' }], { targetDatacenter: 'dc2' }), opts);
    expect(placed(result)).toEqual({ web: 'h1' });
    expect(result.explanation.web!.top[0]!.terms.find((t) => t.name === 'datacenter')?.value).toBe(-20);
  });

  it('honours a locatedInHost pin and says so', () => {
    const hosts = [host('h1'), host('h2', { load: load(99, 0.9, 20) })];
    const result = plan({ hosts }, stack([{ name: 'web', host: 'h2' }]), opts);
    expect(placed(result)).toEqual({ web: 'h2' });
    expect(result.explanation.web!.decidedBy).toBe('pinned by locatedInHost');
  });

  it('pins to the stack defaultHost under every strategy, below a container\'s own host', () => {
    const hosts = [host('h1', { load: load(90, 0.9, 20) }), host('h2'), host('h3')];
    const result = plan(
      { hosts },
      stack([{ name: 'web' }, { name: 'api', host: 'h3' }], { placementStrategy: 'spread' }, { defaultHost: 'h1' }),
      opts,
    );
    expect(placed(result)).toEqual({ web: 'h1', api: 'h3' });
    expect(result.explanation.web!.decidedBy).toBe('pinned by defaultHost');
  });

  it('applies hostConstraints without containerName to every container', () => {
    const hosts = [host('h1', { labels: { disk: 'ssd' } }), host('h2'), host('h3')];
    const result = plan({ hosts }, stack(names(3), { hostConstraints: [{ labels: { disk: 'ssd' } }] }), opts);
    expect(Object.values(placed(result))).toEqual(['h1', 'h1', 'h1']);
  });

  it('fails with one error per unplaceable container naming the unmet constraint and counts', () => {
    const hosts = [
      host('h1', { status: 'offline' }),
      host('h2', { status: 'offline' }),
      host('h3', { labels: { disk: 'hdd' } }),
    ];
    const result = plan(
      { hosts },
      stack([{ name: 'db' }, { name: 'web' }], { hostConstraints: [{ containerName: 'db', labels: { disk: 'ssd' } }] }),
      opts,
    );
    expect(failures(result)).toEqual([
      {
        container: 'db',
        code: 'PLACEMENT_UNSATISFIABLE',
        message: 'container "db": no eligible host among 3: 2 offline or draining, 1 missing label disk=ssd',
        unmet: { offline: 2, labels: 1 },
      },
    ]);
    // The placeable container is still explained.
    expect(result.explanation.web!.chosen).toBe('h3');
  });

  it('fails a pin to an offline host, naming container and host', () => {
    const hosts = [host('h1', { status: 'offline' }), host('h2')];
    const [error] = failures(plan({ hosts }, stack([{ name: 'db', host: 'h1' }]), opts));
    expect(error!.message).toBe(
      'container "db": pinned host "h1" (locatedInHost) is refused: host is offline; ' +
        'no eligible host among 2: 1 offline or draining, 1 not the pinned host "h1"',
    );
    expect(error!.unmet).toEqual({ offline: 1, pinned: 1 });
  });

  it('fails a pin to an unknown host', () => {
    const [error] = failures(plan({ hosts: [host('h1')] }, stack([{ name: 'db', host: 'nope' }]), opts));
    expect(error!.message).toContain('container "db": pinned host "nope" (locatedInHost) is not in the fleet');
  });

  it('fails every container when all hosts are draining', () => {
    const hosts = [host('h1', { status: 'draining' }), host('h2', { status: 'draining' })];
    const errors = failures(plan({ hosts }, stack(names(2)), opts));
    expect(errors.map((e) => e.message)).toEqual([
      'container "c0": no eligible host among 2: 2 offline or draining',
      'container "c1": no eligible host among 2: 2 offline or draining',
    ]);
  });

  it('fails on an empty fleet', () => {
    const [error] = failures(plan({ hosts: [] }, stack([{ name: 'web' }]), opts));
    expect(error!.message).toBe('container "web": no hosts in the fleet');
  });

  it('refuses a host port taken earlier in the same plan', () => {
    const hosts = [host('h1'), host('h2')];
    const port = { ports: [{ containerPort: 80, hostPort: 8080 }] };
    const p = placed(plan({ hosts }, stack([{ name: 'a', ...port }, { name: 'b', ...port }]), opts));
    expect(p.a).not.toBe(p.b);
    const errors = failures(plan({ hosts }, stack([{ name: 'a', ...port }, { name: 'b', ...port }, { name: 'c', ...port }]), opts));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe('container "c": no eligible host among 2: 2 with host port 8080/tcp taken');
  });

  it('rejects duplicate host ids in the snapshot', () => {
    expect(() => plan({ hosts: [host('h1'), host('h1')] }, stack([{ name: 'web' }]), opts)).toThrow(/appears twice/);
  });
});

describe('manual strategy', () => {
  const manual = { placementStrategy: 'manual' };

  it('places by locatedInHost, the stack defaultHost and hostConstraint targetHost', () => {
    const hosts = [host('h1'), host('h2'), host('h3')];
    const result = plan(
      { hosts },
      stack(
        [{ name: 'a', host: 'h2' }, { name: 'b' }, { name: 'c' }],
        { ...manual, hostConstraints: [{ containerName: 'c', targetHost: 'h3' }] },
        { defaultHost: 'h1' },
      ),
      opts,
    );
    expect(placed(result)).toEqual({ a: 'h2', b: 'h1', c: 'h3' });
    expect(result.explanation.b!.decidedBy).toBe('pinned by defaultHost');
    expect(result.explanation.c!.decidedBy).toBe('pinned by hostConstraint');
  });

  it('ranks as auto among hosts narrowed by constraints', () => {
    const hosts = [
      host('h1', { datacenter: 'dc1' }),
      host('h2', { datacenter: 'dc2', load: load(50, 0.5, 3) }),
      host('h3', { datacenter: 'dc2' }),
    ];
    const result = plan(
      { hosts },
      stack([{ name: 'a' }], { ...manual, hostConstraints: [{ containerName: 'a', requiredDatacenter: 'dc2' }] }),
      opts,
    );
    expect(placed(result)).toEqual({ a: 'h3' });
  });

  it('fails a container with neither target nor constraint', () => {
    const errors = failures(plan({ hosts: [host('h1')] }, stack([{ name: 'a', host: 'h1' }, { name: 'b' }], manual), opts));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.container).toBe('b');
    expect(errors[0]!.message).toMatch(/^container "b": the manual strategy needs a target host/);
  });

  it('fails an unsatisfiable minCpu / minMemory with counts', () => {
    const hosts = [host('h1'), host('h2', { resources: { cpus: 16, memory: 2 * GIB }, load: undefined })];
    const [error] = failures(
      plan(
        { hosts },
        stack([{ name: 'a' }], { ...manual, hostConstraints: [{ containerName: 'a', minCpu: 8, minMemory: 4 * GIB }] }),
        opts,
      ),
    );
    expect(error!.message).toBe(
      'container "a": no eligible host among 2: 1 with less than 8 CPUs free, 1 with less than 4 GiB free memory',
    );
    expect(error!.unmet).toEqual({ cpu: 1, memory: 1 });
  });
});

describe('spread strategy', () => {
  it('puts each container on the host with the fewest containers, counting this plan', () => {
    const hosts = [host('h1', { load: load(0, 0, 2) }), host('h2', { load: load(0, 0, 0) }), host('h3', { load: load(0, 0, 1) })];
    const result = plan({ hosts }, stack(names(3), { placementStrategy: 'spread' }), opts);
    const p = placed(result);
    // h2 (0) takes the first, then h2 (1) and h3 (1) tie, then all at 2 or one at 2…: final counts are all 2.
    const counts: Record<string, number> = { h1: 2, h2: 0, h3: 1 };
    for (const h of Object.values(p)) counts[h]! += 1;
    expect(counts).toEqual({ h1: 2, h2: 2, h3: 2 });
    expect(result.explanation.c0!.decidedBy).toBe('fewest containers');
  });

  it('breaks ties by the seed, not by input order', () => {
    const hosts = [host('h1'), host('h2'), host('h3'), host('h4')];
    const a = plan({ hosts }, stack([{ name: 'web' }], { placementStrategy: 'spread' }), { stackId: 's', seed: 1 });
    const b = plan({ hosts: [...hosts].reverse() }, stack([{ name: 'web' }], { placementStrategy: 'spread' }), {
      stackId: 's',
      seed: 1,
    });
    expect(placed(a)).toEqual(placed(b));
    expect(a.explanation.web!.decidedBy).toBe('tie broken by seed');
    // Different seeds spread single-container stacks over different hosts.
    const chosen = new Set(
      Array.from({ length: 20 }, (_, seed) =>
        placed(plan({ hosts }, stack([{ name: 'web' }], { placementStrategy: 'spread' }), { stackId: 's', seed })).web,
      ),
    );
    expect(chosen.size).toBeGreaterThan(1);
  });

  it('still applies checkers (pins, ports, capacity)', () => {
    const hosts = [host('h1'), host('h2', { usedHostPorts: [80] })];
    const result = plan(
      { hosts },
      stack([{ name: 'a', ports: [{ containerPort: 80, hostPort: 80 }] }, { name: 'b', host: 'h2' }], {
        placementStrategy: 'spread',
      }),
      opts,
    );
    expect(placed(result)).toEqual({ a: 'h1', b: 'h2' });
  });
});

describe('datacenter strategy', () => {
  const dcHosts = () => [
    host('a1', { datacenter: 'dcA' }),
    host('a2', { datacenter: 'dcA' }),
    host('b1', { datacenter: 'dcB' }),
    host('b2', { datacenter: 'dcB' }),
    host('b3', { datacenter: 'dcB' }),
  ];

  it('keeps the whole stack in the targetDatacenter, spread inside it', () => {
    const result = plan({ hosts: dcHosts() }, stack(names(4), { placementStrategy: 'datacenter', targetDatacenter: 'dcA' }), opts);
    const p = placed(result);
    expect(Object.values(p).sort()).toEqual(['a1', 'a1', 'a2', 'a2']);
    expect(result.datacenter).toEqual({ name: 'dcA', decidedBy: 'targetDatacenter' });
  });

  it('without a target, picks the datacenter that can hold the most containers, then the largest', () => {
    const result = plan({ hosts: dcHosts() }, stack(names(3), { placementStrategy: 'datacenter' }), opts);
    expect(Object.values(placed(result)).sort()).toEqual(['b1', 'b2', 'b3']);
    expect(result.datacenter?.name).toBe('dcB');
    expect(result.datacenter?.decidedBy).toContain('could hold 3 of 3 containers, 3 online hosts');
  });

  it('follows a pin to the datacenter that can honour it', () => {
    const result = plan({ hosts: dcHosts() }, stack([{ name: 'x', host: 'a2' }, { name: 'y' }], { placementStrategy: 'datacenter' }), opts);
    expect(placed(result)).toEqual({ x: 'a2', y: 'a1' });
  });

  it('fails when the target datacenter has no eligible host', () => {
    const hosts = dcHosts().map((h) => (h.datacenter === 'dcA' ? { ...h, status: 'offline' as const } : h));
    const [error] = failures(plan({ hosts }, stack([{ name: 'web' }], { placementStrategy: 'datacenter', targetDatacenter: 'dcA' }), opts));
    expect(error!.message).toBe('container "web": no eligible host among 5: 2 offline or draining, 3 outside datacenter "dcA"');
  });

  it('fails when no online host has a datacenter', () => {
    const hosts = [host('h1', { datacenter: undefined }), host('h2', { status: 'offline' })];
    const [error] = failures(plan({ hosts }, stack([{ name: 'web' }], { placementStrategy: 'datacenter' }), opts));
    expect(error!.message).toContain('the datacenter strategy found no online host with a datacenter');
    expect(error!.unmet).toEqual({ offline: 1, datacenter: 1 });
  });
});

describe('single-host mode', () => {
  it('keeps the whole stack on the host chosen for its first container', () => {
    const hosts = [host('h1'), host('h2'), host('h3')];
    const result = plan(
      { hosts },
      stack(names(3), { placementStrategy: 'spread', mode: 'single-host' }),
      opts,
    );
    expect(new Set(Object.values(placed(result))).size).toBe(1);
  });

  it('follows a pinned container', () => {
    const hosts = [host('h1'), host('h2'), host('h3')];
    const result = plan(
      { hosts },
      stack([{ name: 'a' }, { name: 'b', host: 'h3' }, { name: 'c' }], { placementStrategy: 'spread', mode: 'single-host' }),
      opts,
    );
    expect(placed(result)).toEqual({ a: 'h3', b: 'h3', c: 'h3' });
  });

  it('follows a container pinned by a hostConstraint', () => {
    const hosts = [host('h1'), host('h2'), host('h3')];
    const result = plan(
      { hosts },
      stack(names(3), { placementStrategy: 'spread', mode: 'single-host', hostConstraints: [{ containerName: 'c1', targetHost: 'h3' }] }),
      opts,
    );
    expect(placed(result)).toEqual({ c0: 'h3', c1: 'h3', c2: 'h3' });
  });
});
