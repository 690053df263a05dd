import { outranks, placementOrder, seedFromStackId, tieRank } from '../../src/placement/index.js';
import { TopHosts } from '../../src/placement/pick.js';
import { stack } from './fixtures.js';

describe('seed', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('FNV-1a 32-bit of %j', (id, expected) => {
    expect(seedFromStackId(id)).toBe(expected);
  });

  it('ranks hosts differently under different seeds, the same under one seed', () => {
    const ids = ['vm1', 'vm2', 'vm3', 'vm4', 'vm5'];
    const order = (seed: number) => [...ids].sort((a, b) => tieRank(seed, a) - tieRank(seed, b));
    expect(order(1)).toEqual(order(1));
    const orders = new Set([1, 2, 3, 4, 5, 6].map((s) => order(s).join()));
    expect(orders.size).toBeGreaterThan(1);
  });
});

describe('outranks', () => {
  it.each([
    { name: 'higher score wins', a: [10, 5, 1], b: [9, 0, 0], expected: true },
    { name: 'lower score loses', a: [9, 0, 0], b: [10, 5, 1], expected: false },
    { name: 'equal score: lower tie rank wins', a: [10, 3, 9], b: [10, 4, 0], expected: true },
    { name: 'equal score and rank: lower index wins', a: [10, 3, 1], b: [10, 3, 2], expected: true },
  ])('$name', ({ a, b, expected }) => {
    expect(outranks(a[0]!, a[1]!, a[2]!, b[0]!, b[1]!, b[2]!)).toBe(expected);
  });
});

describe('TopHosts', () => {
  it('keeps the best three in order', () => {
    const top = new TopHosts(3);
    const offers: Array<[number, number, number]> = [
      [0, 5, 0],
      [1, 9, 0],
      [2, 7, 0],
      [3, 9, 1],
      [4, 1, 0],
      [5, 8, 0],
    ];
    for (const [i, score, tie] of offers) top.offer(i, score, tie);
    expect(top.size).toBe(3);
    expect(Array.from(top.indices)).toEqual([1, 3, 5]);
  });
});

describe('placementOrder', () => {
  it.each([
    { name: 'no dependencies: declaration order', containers: [{ name: 'a' }, { name: 'b' }], expected: ['a', 'b'] },
    {
      name: 'dependencies first, wave by wave',
      containers: [{ name: 'web', dependsOn: [{ name: 'api' }] }, { name: 'api', dependsOn: [{ name: 'db' }] }, { name: 'db' }],
      expected: ['db', 'api', 'web'],
    },
    {
      name: 'a missing dependency is ignored',
      containers: [{ name: 'web', dependsOn: [{ name: 'ghost' }] }, { name: 'db' }],
      expected: ['web', 'db'],
    },
    {
      name: 'a cycle falls back to declaration order after the rest',
      containers: [{ name: 'x', dependsOn: [{ name: 'y' }] }, { name: 'y', dependsOn: [{ name: 'x' }] }, { name: 'z' }],
      expected: ['z', 'x', 'y'],
    },
  ])('$name', ({ containers, expected }) => {
    const s = stack(containers);
    expect(placementOrder(s.containers).map((i) => s.containers[i]!.name)).toEqual(expected);
  });
});
