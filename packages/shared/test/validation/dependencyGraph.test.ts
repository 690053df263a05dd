import { AppError } from '../../src/errors.js';
import { dependencyWaves } from '../../src/validation/index.js';
import { container, dependsOn, stack } from './build.js';

describe('dependencyWaves', () => {
  it('puts containers without dependencies in wave 0, in declaration order', () => {
    expect(dependencyWaves(stack([container('b'), container('a'), container('c')]))).toEqual([['b', 'a', 'c']]);
  });

  it('layers by the deepest dependency', () => {
    const spec = stack([
      container('web', { dependsOn: dependsOn('api', 'cache') }),
      container('api', { dependsOn: dependsOn('db', 'cache') }),
      container('worker', { dependsOn: dependsOn('db') }),
      container('cache'),
      container('db'),
    ]);
    expect(dependencyWaves(spec)).toEqual([['cache', 'db'], ['api', 'worker'], ['web']]);
  });

  it('handles a long chain without deep recursion', () => {
    const names = Array.from({ length: 5000 }, (_, i) => `c${i}`);
    const spec = stack(names.map((name, i) => container(name, { dependsOn: i === 0 ? [] : dependsOn(`c${i - 1}`) })));
    const waves = dependencyWaves(spec);
    expect(waves).toHaveLength(5000);
    expect(waves[4999]).toEqual(['c4999']);
  });

  it('throws VALIDATION_FAILED with the cycle for a cyclic graph', () => {
    const spec = stack([container('api', { dependsOn: dependsOn('db') }), container('db', { dependsOn: dependsOn('api') })]);
    expect(() => dependencyWaves(spec)).toThrow(AppError);
    expect(() => dependencyWaves(spec)).toThrow('cannot order containers: dependency cycle: api -> db -> api');
  });

  it('throws for an unknown dependency rather than guessing', () => {
    expect(() => dependencyWaves(stack([container('a', { dependsOn: dependsOn('ghost') })]))).toThrow(/ghost/);
  });
});
