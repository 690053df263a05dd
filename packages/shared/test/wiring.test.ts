import { containerSpec, type ContainerSpec } from '../src/models/stackSpec.js';
import {
  endpointEnv,
  envPrefix,
  mergeEnvironment,
  resolvePendingEndpoints,
  wireDependencies,
} from '../src/wiring.js';

const spec = (input: Record<string, unknown>): ContainerSpec => containerSpec.parse(input);

describe('envPrefix', () => {
  it.each([
    ['db', 'DB'],
    ['redis-cache', 'REDIS_CACHE'],
    ['api.v2', 'API_V2'],
    ['a-b.c_d', 'A_B_C_D'],
  ])('%s → %s', (name, expected) => {
    expect(envPrefix(name)).toBe(expected);
  });
});

describe('endpointEnv', () => {
  it('gives host, port and endpoint', () => {
    expect(endpointEnv('db', '10.0.0.5', 5432)).toEqual({
      DB_HOST: '10.0.0.5',
      DB_PORT: '5432',
      DB_ENDPOINT: '10.0.0.5:5432',
    });
  });
  it('gives only the host when no port is published', () => {
    expect(endpointEnv('worker', 'h1')).toEqual({ WORKER_HOST: 'h1' });
  });
});

describe('mergeEnvironment', () => {
  it('lets explicit values win', () => {
    expect(mergeEnvironment({ DB_HOST: 'mine' }, { DB_HOST: 'injected', DB_PORT: '1' })).toEqual({
      DB_HOST: 'mine',
      DB_PORT: '1',
    });
  });
});

describe('wireDependencies', () => {
  const db = spec({ name: 'db', image: 'postgres:16', ports: [{ containerPort: 5432, hostPort: 15432 }] });
  const cache = spec({ name: 'cache', image: 'redis:7', ports: [{ containerPort: 6379 }] });
  const worker = spec({ name: 'worker', image: 'busybox' });
  const byName = new Map([db, cache, worker].map((c) => [c.name, c]));
  const hosts: Record<string, string> = { db: '10.0.0.1', cache: '10.0.0.2', worker: '10.0.0.3' };

  it('injects fixed ports now and defers random ports to claim time', () => {
    const api = spec({
      name: 'api',
      image: 'api:1',
      dependsOn: [{ name: 'db' }, { name: 'cache' }, { name: 'worker' }],
    });
    const wiring = wireDependencies(api, byName, (n) => hosts[n]);
    expect(wiring.injected).toEqual({
      DB_HOST: '10.0.0.1',
      DB_PORT: '15432',
      DB_ENDPOINT: '10.0.0.1:15432',
      CACHE_HOST: '10.0.0.2',
      WORKER_HOST: '10.0.0.3',
    });
    expect(wiring.pending).toEqual({ CACHE: { container: 'cache', containerPort: 6379 } });
  });

  it('does not defer an endpoint the user set explicitly', () => {
    const api = spec({
      name: 'api',
      image: 'api:1',
      environment: { CACHE_ENDPOINT: 'redis.internal:6379' },
      dependsOn: [{ name: 'cache' }],
    });
    expect(wireDependencies(api, byName, (n) => hosts[n]).pending).toEqual({});
  });

  it('skips dependencies that are not placed', () => {
    const api = spec({ name: 'api', image: 'api:1', dependsOn: [{ name: 'db' }] });
    expect(wireDependencies(api, byName, () => undefined)).toEqual({ injected: {}, pending: {} });
  });
});

describe('resolvePendingEndpoints', () => {
  const pending = { CACHE: { container: 'cache', containerPort: 6379 } };

  it('fills in the published port reported by the dependency', () => {
    const resolved = resolvePendingEndpoints(pending, () => ({
      hostAddress: '10.0.0.2',
      ports: [{ containerPort: 6379, hostPort: 32768, protocol: 'tcp' }],
    }));
    expect(resolved).toEqual({
      injected: { CACHE_HOST: '10.0.0.2', CACHE_PORT: '32768', CACHE_ENDPOINT: '10.0.0.2:32768' },
      unresolved: [],
    });
  });

  it('reports dependencies that have not published their port yet', () => {
    expect(resolvePendingEndpoints(pending, () => undefined)).toEqual({ injected: {}, unresolved: ['cache'] });
    const noPort = resolvePendingEndpoints(pending, () => ({ hostAddress: 'h', ports: [] }));
    expect(noPort.unresolved).toEqual(['cache']);
  });
});
