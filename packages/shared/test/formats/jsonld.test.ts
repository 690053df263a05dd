import { parseStack, parseStackOrThrow, type ParseResult } from '../../src/formats/index.js';
import { AppError } from '../../src/errors.js';
import { fixture } from '../fixtures/load.js';

const MiB = 1024 ** 2;

function failure(result: ParseResult) {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.spec)}`);
  return result;
}

/** A one-container JSON-LD stack with `part` merged into the container. */
function stackWith(part: Record<string, unknown>, stack: Record<string, unknown> = {}): unknown {
  return { '@graph': [{ '@type': 'Stack', name: 's', hasPart: [{ name: 'app', image: 'busybox', ...part }], ...stack }] };
}

describe('JSON-LD: aliases and both environment shapes', () => {
  const { spec, warnings } = parseStackOrThrow(fixture('jsonld/aliases.json'));
  const [web, api, db, cache] = spec.containers;

  it('accepts the file without warnings (the host node is referenced, so it is no stray)', () => {
    expect(warnings).toEqual([]);
    expect(spec.containers.map((c) => c.name)).toEqual(['web', 'api', 'db', 'cache']);
  });

  it('merges ports and containerPort (portNumber, hostPort as text, protocol in any case, hostIp)', () => {
    expect(web?.ports).toEqual([
      { containerPort: 443, hostPort: 8443, protocol: 'tcp' },
      { containerPort: 80, hostPort: 8080, protocol: 'tcp' },
      { containerPort: 53, hostPort: 5353, protocol: 'udp', hostIP: '127.0.0.1' },
    ]);
    expect(cache?.ports).toEqual([{ containerPort: 6379, protocol: 'tcp' }]);
  });

  it('merges environment (map) and environmentVariable (PropertyValue list), values as strings', () => {
    expect(web?.environment).toEqual({ FROM_MAP: 'map', FROM_ALIAS: 'yes', WORKERS: '4', DEBUG: 'false' });
    expect(api?.environment).toEqual({ PORT: '3000', RATIO: '0.5' });
  });

  it('merges volumeMounts and volumeMount, inferring bind for a path source', () => {
    expect(web?.volumeMounts).toEqual([
      { source: '/srv/www', target: '/usr/share/nginx/html', type: 'bind', readOnly: true },
      { source: 'web-cache', target: '/var/cache/nginx', type: 'volume', readOnly: false },
    ]);
    expect(cache?.volumeMounts).toEqual([{ target: '/scratch', type: 'tmpfs', readOnly: false }]);
  });

  it('reads dependsOn as @id references, names and {name, condition}', () => {
    expect(web?.dependsOn).toEqual([{ name: 'api', condition: 'started' }]);
    expect(api?.dependsOn).toEqual([
      { name: 'db', condition: 'started' },
      { name: 'cache', condition: 'healthy' },
    ]);
  });

  it('reads commands as argv, splitting strings like a shell', () => {
    expect(web?.command).toEqual(['nginx', '-g', 'daemon off;']);
    expect(api?.command).toEqual(['node', 'server.js']);
    expect(api?.args).toEqual(['--verbose', '--color=never']);
  });

  it('reads hosts from {"@id"} and plain strings, the stack default included', () => {
    expect(spec.defaultHost).toBe('vm1');
    expect(web?.host).toBeUndefined();
    expect(api?.host).toBe('vm2');
  });

  it('normalizes resources, health checks, restart policy, labels', () => {
    expect(api?.resources).toEqual({ limits: { cpus: 1.5, memory: 1024 * MiB }, reservations: { cpus: 0.25, memory: 256 * MiB } });
    expect(db?.resources).toEqual({ limits: { memory: 512 * MiB } });
    expect(api?.healthCheck).toEqual({ type: 'http', path: '/health', port: 3000, interval: 30, timeout: 3, retries: 5, startPeriod: 60, shell: false });
    expect(db?.healthCheck).toEqual({ type: 'exec', command: ['pg_isready', '-U', 'postgres'], interval: 10, timeout: 5, retries: 3, startPeriod: 0, shell: false });
    expect(cache?.healthCheck).toMatchObject({ type: 'tcp', port: 6379 });
    expect(web?.restartPolicy).toBe('always');
    expect(api?.labels).toEqual({ tier: 'backend', replicas: '1' });
    expect(api?.workingDir).toBe('/app');
    expect(api?.user).toBe('1000:1000');
  });

  it('reads deployment, host constraints, network and volumes', () => {
    expect(spec.deployment).toEqual({
      mode: 'multi-host',
      placementStrategy: 'manual',
      networkMode: 'host-port',
      hostConstraints: [{ containerName: 'db', requiredDatacenter: 'dc1', minCpu: 2, minMemory: 4 * 1024 * MiB, labels: { disk: 'ssd' } }],
    });
    expect(spec.network).toEqual({
      name: 'aliases-net',
      driver: 'bridge',
      createIfNotExists: true,
      external: false,
      subnet: '172.28.0.0/16',
      options: {},
      labels: { owner: 'shop' },
    });
    expect(spec.volumes).toEqual([
      { name: 'web-cache', driver: 'local', labels: {} },
      { name: 'db-data', driver: 'local', labels: {} },
    ]);
  });

  it('points a clash between the two port spellings at the later one, naming the first', () => {
    const doc = JSON.parse(fixture('jsonld/aliases.json')) as { '@graph': Array<{ hasPart?: Array<{ containerPort?: Array<Record<string, unknown>> }> }> };
    const port = doc['@graph'][0]?.hasPart?.[0]?.containerPort?.[0];
    if (port !== undefined) port.hostPort = 8443;
    expect(failure(parseStack(doc)).errors).toEqual([
      { path: 'hasPart[0].containerPort[0].hostPort', message: 'host port 8443/tcp is already published by hasPart[0].ports[0]' },
    ]);
  });
});

describe('JSON-LD: graph structure', () => {
  it('resolves hasPart references to graph nodes and reports paths there', () => {
    const result = failure(parseStack(fixture('jsonld/flattened.json')));
    expect(result.format).toBe('jsonld');
    expect(result.errors).toEqual([
      { path: '@graph[2].ports[0].hostPort', message: 'must be a port number (1-65535), got a string ("abc")' },
    ]);
    expect(result.warnings).toEqual([{ path: '@graph[3]', message: 'graph node "note:1" (Comment) is not part of the stack and is ignored' }]);
  });

  it('orders referenced containers as hasPart lists them and resolves dependsOn by @id', () => {
    const doc = JSON.parse(fixture('jsonld/flattened.json')) as { '@graph': Array<Record<string, unknown>> };
    doc['@graph'][2] = { ...doc['@graph'][2], ports: [{ containerPort: 5432, hostPort: 5432 }] };
    const { spec } = parseStackOrThrow(doc);
    expect(spec.containers.map((c) => [c.name, c.dependsOn])).toEqual([
      ['db', []],
      ['app', [{ name: 'db', condition: 'started' }]],
    ]);
  });

  it('accepts a stack node without @graph', () => {
    const { spec } = parseStackOrThrow({ '@context': 'https://schema.org', '@type': 'Stack', name: 'solo', hasPart: [{ name: 'a', image: 'busybox' }] });
    expect(spec.name).toBe('solo');
  });

  it('prefers the Stack node over other SoftwareApplication nodes', () => {
    const { spec } = parseStackOrThrow({
      '@graph': [
        { '@type': 'SoftwareApplication', name: 'not-me', hasPart: [] },
        { '@type': ['datacenter:Stack'], name: 'me', hasPart: [{ name: 'a', image: 'busybox' }] },
      ],
    });
    expect(spec.name).toBe('me');
  });

  it('falls back to the only SoftwareApplication node, reporting what it lacks there', () => {
    expect(failure(parseStack({ '@graph': [{ '@type': 'SoftwareApplication', name: 'x' }] })).errors).toEqual([
      { path: 'hasPart', message: '"hasPart" (the list of containers) is required' },
    ]);
  });

  it('refuses two stack nodes, naming both', () => {
    const result = failure(parseStack({ '@graph': [{ '@type': 'Stack', name: 'a' }, { '@type': 'Stack', name: 'b' }] }));
    expect(result.errors).toEqual([{ path: '@graph[1]', message: 'a definition holds one stack, but @graph[0] is a stack node too' }]);
  });

  it('refuses a graph without a stack node', () => {
    expect(failure(parseStack({ '@graph': [{ '@type': 'Person', name: 'x' }] })).errors[0]?.path).toBe('@graph');
  });
});

describe('JSON-LD: warnings name every unknown field and never fail', () => {
  it('warns at each level, keeps known bookkeeping quiet', () => {
    const result = parseStack(
      stackWith(
        { '@type': 'SoftwareApplication', comment: 'ok', foo: 1, ports: [{ containerPort: 80, bar: true }], healthCheck: { type: 'tcp', port: 80, baz: 1 } },
        { version: '2', deployment: { '@type': 'DeploymentConfiguration', comment: 'ok', qux: 1 }, network: { name: 'n', zap: 1 } },
      ),
    );
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      { path: 'network.zap', message: 'unknown field "zap" ignored' },
      { path: 'deployment.qux', message: 'unknown field "qux" ignored' },
      { path: 'hasPart[0].ports[0].bar', message: 'unknown field "bar" ignored' },
      { path: 'hasPart[0].healthCheck.baz', message: 'unknown field "baz" ignored' },
      { path: 'hasPart[0].foo', message: 'unknown field "foo" ignored' },
      { path: 'version', message: 'unknown field "version" ignored' },
    ]);
  });

  it('quotes field names that are not identifiers', () => {
    expect(parseStack(stackWith({ 'x.y': 1 })).warnings).toEqual([{ path: 'hasPart[0]["x.y"]', message: 'unknown field "x.y" ignored' }]);
  });

  it('warns about a repeated environment variable and keeps the later value', () => {
    const result = parseStack(stackWith({ environment: { A: '1' }, environmentVariable: [{ name: 'A', value: '2' }] }));
    expect(result).toMatchObject({
      ok: true,
      spec: { containers: [{ environment: { A: '2' } }] },
      warnings: [{ path: 'hasPart[0].environmentVariable[0]', message: 'environment variable "A" is also set at hasPart[0].environment.A; the later value wins' }],
    });
  });
});

describe('JSON-LD: semantics', () => {
  it('takes the stack name from the file name when the node has none', () => {
    const doc = { '@graph': [{ '@type': 'Stack', hasPart: [{ name: 'a', image: 'busybox' }] }] };
    expect(parseStackOrThrow(doc, { filename: 'stacks/billing.json' }).spec.name).toBe('billing');
    expect(failure(parseStack(doc)).errors).toEqual([
      { path: 'name', message: 'the stack needs a "name" (none given, and no file name to take it from)' },
    ]);
  });

  it('infers the health check type and defaults its port to the first container port', () => {
    const { spec } = parseStackOrThrow(stackWith({ ports: [{ containerPort: 8080 }], healthCheck: { path: '/ready' } }));
    expect(spec.containers[0]?.healthCheck).toMatchObject({ type: 'http', path: '/ready', port: 8080 });
  });

  it('refuses an http check with no port anywhere', () => {
    expect(failure(parseStack(stackWith({ healthCheck: { type: 'http', path: '/' } }))).errors).toEqual([
      { path: 'hasPart[0].healthCheck.port', message: 'an http health check needs a port (the container has no port to default to)' },
    ]);
  });

  it('throws AppError with every issue in details from parseStackOrThrow', () => {
    expect.assertions(3);
    try {
      parseStackOrThrow(stackWith({ image: 'Bad Image', ports: [{ containerPort: 0 }] }));
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      const appError = error as AppError;
      expect(appError.code).toBe('VALIDATION_FAILED');
      expect(appError.details).toEqual({
        errors: [
          { path: 'hasPart[0].image', message: 'image "Bad Image" must not contain whitespace' },
          { path: 'hasPart[0].ports[0].containerPort', message: 'container port 0 is not in 1..65535' },
        ],
        warnings: [],
      });
    }
  });

  it('throws UNKNOWN_FORMAT for something that is no stack', () => {
    expect(() => parseStackOrThrow({ kind: 'Deployment' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_FORMAT' }) as Error);
  });
});
