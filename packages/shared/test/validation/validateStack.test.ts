import type { StackSpec } from '../../src/models/stackSpec.js';
import { SourceMap, validateStack } from '../../src/validation/index.js';
import { container, dependsOn, stack } from './build.js';

/** A spec with deliberately out-of-schema values, as a stored or hand-written definition might hold. */
function loose(spec: StackSpec, patch: (raw: Record<string, unknown>) => void): StackSpec {
  const raw = structuredClone(spec) as unknown as Record<string, unknown>;
  patch(raw);
  return raw as unknown as StackSpec;
}

describe('validateStack', () => {
  it('accepts a valid stack', () => {
    expect(validateStack(stack([container('db'), container('api', { dependsOn: dependsOn('db') })]))).toEqual([]);
  });

  it('collects every error, not just the first, at spec paths when there is no source map', () => {
    const issues = validateStack(
      stack(
        [
          container('web', { image: 'Web', ports: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }] }),
          container('web', { environment: { 'A=B': '1' } }),
        ],
        { name: '-bad' },
      ),
    );
    expect(issues.map((issue) => issue.path)).toEqual([
      'name',
      'containers[1].name',
      'containers[0].image',
      'containers[0].ports[0].hostPort',
      'containers[1].environment["A=B"]',
    ]);
  });

  describe('names', () => {
    it.each([['web'], ['Web_1'], ['a.b-c'], ['9lives']])('%s is a valid container name', (name) => {
      expect(validateStack(stack([container(name)]))).toEqual([]);
    });
    it.each([['-web'], ['.web'], ['web server'], ['wéb'], ['web/1'], ['']])('%p is refused', (name) => {
      expect(validateStack(stack([container(name)]))[0]?.path).toBe('containers[0].name');
    });
    it('refuses names whose wiring variables would collide', () => {
      expect(validateStack(stack([container('api-db'), container('api.db')]))).toEqual([
        { path: 'containers[1].name', message: 'container names "api-db" and "api.db" both give the wiring variables API_DB_HOST/_PORT/_ENDPOINT; rename one' },
      ]);
    });
    it('refuses a stack without containers', () => {
      expect(validateStack(stack([]))).toEqual([{ path: 'containers', message: 'the stack has no containers' }]);
    });
  });

  describe('ports', () => {
    const port = (hostPort: number | undefined, extra: Partial<{ protocol: 'tcp' | 'udp'; hostIP: string }> = {}) => ({
      containerPort: 80,
      protocol: 'tcp' as const,
      ...(hostPort === undefined ? {} : { hostPort }),
      ...extra,
    });

    it('refuses the same host port twice in one container', () => {
      expect(validateStack(stack([container('a', { ports: [port(8080), { ...port(8080), containerPort: 81 }] })]))).toEqual([
        { path: 'containers[0].ports[1].hostPort', message: 'host port 8080/tcp is already published by containers[0].ports[0]' },
      ]);
    });

    it('allows the same number for tcp and udp', () => {
      const spec = stack([container('a', { ports: [port(53), port(53, { protocol: 'udp' })] })]);
      expect(validateStack(spec)).toEqual([]);
    });

    it('counts a host port as taken on the whole host, whatever the bind address (as placement does)', () => {
      const spec = stack([container('b', { ports: [port(8080, { hostIP: '10.0.0.1' }), port(8080, { hostIP: '10.0.0.2' })] })]);
      expect(validateStack(spec)).toEqual([
        { path: 'containers[0].ports[1].hostPort', message: 'host port 8080/tcp is already published by containers[0].ports[0]' },
      ]);
    });

    it('refuses waiting for a dependency to be healthy when it has no health check', () => {
      const spec = stack([container('db'), container('api', { dependsOn: [{ name: 'db', condition: 'healthy' }] })]);
      expect(validateStack(spec)).toEqual([
        { path: 'containers[1].dependsOn[0]', message: 'waits for "db" to be healthy, but "db" has no healthCheck' },
      ]);
    });

    it('refuses two containers pinned to one host on one port, by host, default host or constraint', () => {
      const pinned = stack([container('a', { host: 'vm1', ports: [port(8080)] }), container('b', { host: 'vm1', ports: [port(8080)] })]);
      expect(validateStack(pinned)).toEqual([
        { path: 'containers[1].ports[0].hostPort', message: 'host port 8080/tcp on host "vm1" is also requested by container "a" (containers[0].ports[0].hostPort)' },
      ]);
      const byDefault = stack([container('a', { ports: [port(8080)] }), container('b', { ports: [port(8080)] })], { defaultHost: 'vm9' });
      expect(validateStack(byDefault)[0]?.message).toContain('on host "vm9"');
      const byConstraint = stack([container('a', { host: 'vm2', ports: [port(8080)] }), container('b', { ports: [port(8080)] })], {
        deployment: { mode: 'multi-host', placementStrategy: 'manual', networkMode: 'host-port', hostConstraints: [{ containerName: 'b', targetHost: 'vm2' }] },
      });
      expect(validateStack(byConstraint)[0]?.message).toContain('on host "vm2"');
    });

    it('leaves unpinned containers to placement, and different hosts alone', () => {
      expect(validateStack(stack([container('a', { ports: [port(8080)] }), container('b', { ports: [port(8080)] })]))).toEqual([]);
      expect(validateStack(stack([container('a', { host: 'vm1', ports: [port(8080)] }), container('b', { host: 'vm2', ports: [port(8080)] })]))).toEqual([]);
    });

    it('treats a wildcard address as overlapping every other', () => {
      const spec = stack([container('a', { host: 'h', ports: [port(8080, { hostIP: '0.0.0.0' })] }), container('b', { host: 'h', ports: [port(8080, { hostIP: '127.0.0.1' })] })]);
      expect(validateStack(spec)).toHaveLength(1);
    });

    it('checks single-host stacks as one host even without pins', () => {
      const spec = stack([container('a', { ports: [port(8080)] }), container('b', { ports: [port(8080)] })], {
        deployment: { mode: 'single-host', placementStrategy: 'auto', networkMode: 'host-port', hostConstraints: [] },
      });
      expect(validateStack(spec)[0]?.message).toBe('host port 8080/tcp on the one host of this single-host stack is also requested by container "a" (containers[0].ports[0].hostPort)');
    });

    it('refuses ports outside 1..65535 and unknown protocols', () => {
      const spec = loose(stack([container('a', { ports: [{ containerPort: 70000, hostPort: -1, protocol: 'tcp' }] })]), (raw) => {
        ((raw.containers as Array<{ ports: Array<Record<string, unknown>> }>)[0]?.ports[0] ?? {}).protocol = 'sctp';
      });
      expect(validateStack(spec)).toEqual([
        { path: 'containers[0].ports[0].containerPort', message: 'container port 70000 is not in 1..65535' },
        { path: 'containers[0].ports[0].hostPort', message: 'host port -1 is not in 1..65535' },
        { path: 'containers[0].ports[0].protocol', message: 'protocol must be one of tcp, udp; got "sctp"' },
      ]);
    });
  });

  describe('environment, mounts, health checks, resources', () => {
    it('refuses empty variable names and names with "="', () => {
      expect(validateStack(stack([container('a', { environment: { '': 'x', 'A=B': 'y', OK: 'z' } })]))).toEqual([
        { path: 'containers[0].environment[""]', message: 'environment variable name must not be empty' },
        { path: 'containers[0].environment["A=B"]', message: 'environment variable name "A=B" must not contain "="' },
      ]);
    });

    it('checks mount targets, bind sources, tmpfs sources, volume names and duplicate targets', () => {
      const spec = stack([
        container('a', {
          volumeMounts: [
            { target: 'data', type: 'volume', readOnly: false },
            { source: 'rel/path', target: '/b', type: 'bind', readOnly: false },
            { target: '/c', type: 'bind', readOnly: false },
            { source: 'x', target: '/d', type: 'tmpfs', readOnly: false },
            { source: 'has/slash', target: '/e', type: 'volume', readOnly: false },
            { source: 'ok', target: '/b', type: 'volume', readOnly: false },
          ],
        }),
      ]);
      expect(validateStack(spec)).toEqual([
        { path: 'containers[0].volumeMounts[0].target', message: 'mount target "data" must be an absolute path in the container' },
        { path: 'containers[0].volumeMounts[1].source', message: 'bind source "rel/path" must be an absolute host path: a relative path would resolve on whichever host runs the container' },
        { path: 'containers[0].volumeMounts[2].source', message: 'a bind mount needs a source path on the host' },
        { path: 'containers[0].volumeMounts[3].source', message: 'a tmpfs mount has no source' },
        { path: 'containers[0].volumeMounts[4].source', message: 'volume name "has/slash" is not a valid Docker volume name (for a host directory use type "bind" with an absolute path)' },
        { path: 'containers[0].volumeMounts[5].target', message: 'mount target "/b" is already used by containers[0].volumeMounts[1]' },
      ]);
    });

    it('requires a port for http/tcp checks and a command for exec', () => {
      const base = { interval: 10, timeout: 5, retries: 3, startPeriod: 0 };
      const spec = stack([
        container('a', { healthCheck: { type: 'http', path: 'health', ...base } }),
        container('b', { healthCheck: { type: 'exec', command: [], ...base } }),
        container('c', { healthCheck: { type: 'tcp', port: 70000, ...base, interval: 0 } }),
      ]);
      expect(validateStack(spec)).toEqual([
        { path: 'containers[0].healthCheck.port', message: 'an http health check needs a port (the container has no port to default to)' },
        { path: 'containers[0].healthCheck.path', message: 'health check path "health" must start with "/"' },
        { path: 'containers[1].healthCheck.command', message: 'an exec health check needs a command' },
        { path: 'containers[2].healthCheck.port', message: 'health check port 70000 is not in 1..65535' },
        { path: 'containers[2].healthCheck.interval', message: 'health check interval must be more than 0 seconds' },
      ]);
    });

    it('refuses reservations above limits', () => {
      const spec = stack([container('a', { resources: { limits: { memory: 100 }, reservations: { memory: 200, cpus: 1 } } })]);
      expect(validateStack(spec)).toEqual([
        { path: 'containers[0].resources.reservations.memory', message: 'reserved memory (200) exceed the limit (100)' },
      ]);
    });
  });

  describe('closed sets list what is allowed', () => {
    it('restart policy, deployment mode, strategy, network mode, dependency condition', () => {
      const spec = loose(stack([container('a', { dependsOn: dependsOn('b') }), container('b')]), (raw) => {
        const containers = raw.containers as Array<Record<string, unknown>>;
        if (containers[0] !== undefined) {
          containers[0].restartPolicy = 'sometimes';
          containers[0].dependsOn = [{ name: 'b', condition: 'ready' }];
        }
        raw.deployment = { mode: 'cluster', placementStrategy: 'random', networkMode: 'mesh', hostConstraints: [] };
      });
      expect(validateStack(spec)).toEqual([
        { path: 'containers[0].restartPolicy', message: 'restart policy must be one of no, always, on-failure, unless-stopped; got "sometimes"' },
        { path: 'containers[0].dependsOn[0]', message: 'dependency condition must be one of started, healthy; got "ready"' },
        { path: 'deployment.mode', message: 'mode must be one of single-host, multi-host; got "cluster"' },
        { path: 'deployment.placementStrategy', message: 'placementStrategy must be one of auto, manual, spread, datacenter; got "random"' },
        { path: 'deployment.networkMode', message: 'networkMode must be one of host-port, overlay; got "mesh"' },
      ]);
    });
  });

  describe('placement inputs', () => {
    it('refuses host constraints for unknown containers and contradicting pins', () => {
      const spec = stack([container('a', { host: 'vm1' })], {
        deployment: {
          mode: 'single-host',
          placementStrategy: 'manual',
          networkMode: 'host-port',
          hostConstraints: [{ containerName: 'ghost', minCpu: 1 }, { containerName: 'a', targetHost: 'vm2' }],
        },
      });
      expect(validateStack(spec)).toEqual([
        { path: 'deployment.hostConstraints[0].containerName', message: 'host constraint names container "ghost", which is not a container of this stack' },
        { path: 'deployment.hostConstraints[1].targetHost', message: 'container "a" is pinned to host "vm1" (containers[0].host) but this targets host "vm2"' },
      ]);
    });

    it('refuses a single-host stack pinned to several hosts', () => {
      const spec = stack([container('a', { host: 'vm1' }), container('b', { host: 'vm2' }), container('c')], {
        deployment: { mode: 'single-host', placementStrategy: 'manual', networkMode: 'host-port', hostConstraints: [] },
      });
      expect(validateStack(spec)).toEqual([{ path: 'deployment.mode', message: 'single-host mode, but containers are pinned to different hosts: a → vm1, b → vm2' }]);
    });
  });

  describe('dependencies', () => {
    it('refuses unknown and self dependencies', () => {
      const spec = stack([container('a', { dependsOn: dependsOn('a', 'ghost') }), container('b')]);
      expect(validateStack(spec)).toEqual([
        { path: 'containers[0].dependsOn[0]', message: 'container "a" depends on itself' },
        { path: 'containers[0].dependsOn[1]', message: 'depends on "ghost", which is not a container of this stack (containers: a, b)' },
      ]);
    });

    it('reports a cycle as the path to follow, at the entry that closes it', () => {
      const spec = stack([container('api', { dependsOn: dependsOn('db') }), container('db', { dependsOn: dependsOn('api') })]);
      expect(validateStack(spec)).toEqual([{ path: 'containers[1].dependsOn[0]', message: 'dependency cycle: api -> db -> api' }]);
    });

    it('reports each independent cycle once, shortest path first', () => {
      const spec = stack([
        container('a', { dependsOn: dependsOn('b') }),
        container('b', { dependsOn: dependsOn('c') }),
        container('c', { dependsOn: dependsOn('a', 'b') }),
        container('x', { dependsOn: dependsOn('y') }),
        container('y', { dependsOn: dependsOn('x') }),
        container('z', { dependsOn: dependsOn('a') }),
      ]);
      expect(validateStack(spec)).toEqual([
        { path: 'containers[2].dependsOn[0]', message: 'dependency cycle: a -> b -> c -> a' },
        { path: 'containers[4].dependsOn[0]', message: 'dependency cycle: x -> y -> x' },
      ]);
    });
  });

  it('translates paths through a source map, falling back to the nearest recorded ancestor', () => {
    const sources = new SourceMap();
    sources.record('containers[0]', 'services.web');
    sources.record('containers[0].ports[0]', 'services.web.ports[0]');
    const spec = stack([container('web', { image: 'Web', ports: [{ containerPort: 0, protocol: 'tcp' }] })]);
    expect(validateStack(spec, sources)).toEqual([
      { path: 'services.web', message: 'image "Web" repository name "Web" must be lowercase' },
      { path: 'services.web.ports[0]', message: 'container port 0 is not in 1..65535' },
    ]);
  });
});
