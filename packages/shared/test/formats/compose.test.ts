import { parseStack, parseStackOrThrow, type ParseResult } from '../../src/formats/index.js';
import { fixture } from '../fixtures/load.js';

const MiB = 1024 ** 2;

function failure(result: ParseResult) {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.spec)}`);
  return result;
}

function compose(services: string, extra = ''): string {
  return `name: t\n${extra}services:\n${services}`;
}

describe('compose: every supported key', () => {
  const { format, spec, warnings } = parseStackOrThrow(fixture('compose/full.yml'), { variables: { API_KEY: 'k-123' } });
  const byName = new Map(spec.containers.map((c) => [c.name, c]));

  it('is detected, and skips services behind profiles as compose does', () => {
    expect(format).toBe('compose');
    expect(spec.name).toBe('shop');
    expect(spec.containers.map((c) => c.name)).toEqual(['web', 'api', 'db', 'cache']);
    expect(warnings).toEqual([
      { path: 'services.db.logging', message: 'unsupported compose key "logging" ignored' },
      { path: 'services.debug.profiles', message: 'service "debug" has profiles, so compose would not start it by default; it is not deployed' },
    ]);
  });

  it('reads x-graphium for what compose cannot say', () => {
    expect(spec.defaultHost).toBe('vm3');
    expect(spec.deployment.placementStrategy).toBe('spread');
  });

  it('web: image with interpolated default, shell-split command, entrypoint, env map', () => {
    const web = byName.get('web');
    expect(web?.image).toBe('nginx:1.27-alpine');
    expect(web?.command).toEqual(['nginx', '-g', 'daemon off;']);
    expect(web?.entrypoint).toEqual(['/docker-entrypoint.sh']);
    expect(web?.environment).toEqual({ NGINX_HOST: 'shop.example.com', WORKERS: '4', GZIP: 'true' });
    expect(web?.workingDir).toBe('/usr/share/nginx');
    expect(web?.user).toBe('nginx');
    expect(web?.restartPolicy).toBe('unless-stopped');
    expect(web?.labels).toEqual({ tier: 'frontend', 'com.example.team': 'web' });
  });

  it('web: short and long port syntax', () => {
    expect(byName.get('web')?.ports).toEqual([
      { containerPort: 80, hostPort: 8080, protocol: 'tcp' },
      { containerPort: 443, hostPort: 8443, protocol: 'tcp', hostIP: '127.0.0.1' },
      { containerPort: 9000, protocol: 'tcp' },
      { containerPort: 9090, hostPort: 9091, protocol: 'udp', hostIP: '0.0.0.0' },
    ]);
    expect(byName.get('api')?.ports).toEqual([{ containerPort: 3000, hostPort: 3000, protocol: 'tcp' }]);
  });

  it('web: named, bind, long-syntax and tmpfs mounts', () => {
    expect(byName.get('web')?.volumeMounts).toEqual([
      { source: 'static', target: '/usr/share/nginx/html', type: 'volume', readOnly: true },
      { source: '/etc/ssl/certs', target: '/etc/ssl/certs', type: 'bind', readOnly: true },
      { source: 'cache', target: '/var/cache/nginx', type: 'volume', readOnly: false },
      { target: '/run', type: 'tmpfs', readOnly: false },
      { target: '/tmp', type: 'tmpfs', readOnly: false },
    ]);
    expect(byName.get('db')?.volumeMounts).toEqual([{ source: 'shop-pgdata', target: '/var/lib/postgresql/data', type: 'volume', readOnly: false }]);
  });

  it('web: deploy.resources and a node.hostname pin', () => {
    const web = byName.get('web');
    expect(web?.resources).toEqual({ limits: { cpus: 0.5, memory: 256 * MiB }, reservations: { cpus: 0.1, memory: 64 * MiB } });
    expect(web?.host).toBe('vm1');
  });

  it('api: env list with a value from variables, depends_on conditions, CMD healthcheck', () => {
    const api = byName.get('api');
    expect(api?.image).toBe('registry.example.com/shop/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef');
    expect(api?.command).toEqual(['node', 'server.js', '--port', '3000']);
    expect(api?.environment).toEqual({ DB_HOST: 'db', LOG_LEVEL: 'info', API_KEY: 'k-123' });
    expect(api?.dependsOn).toEqual([
      { name: 'db', condition: 'healthy' },
      { name: 'cache', condition: 'started' },
    ]);
    expect(api?.healthCheck).toEqual({
      type: 'exec',
      command: ['wget', '-qO-', 'http://localhost:3000/health'],
      interval: 90,
      timeout: 0.5,
      retries: 4,
      startPeriod: 10,
      shell: false,
    });
    expect(api?.restartPolicy).toBe('on-failure');
    expect(api?.resources).toEqual({ limits: { cpus: 1.5, memory: 1024 * MiB } });
  });

  it('api: node.labels and node.datacenter constraints become a host constraint', () => {
    expect(spec.deployment.hostConstraints).toEqual([{ containerName: 'api', labels: { disk: 'ssd' }, requiredDatacenter: 'dc1' }]);
  });

  it('db and cache: string and CMD-SHELL tests run in the shell; restart "no"; swarm restart_policy', () => {
    expect(byName.get('db')?.healthCheck).toMatchObject({ type: 'exec', command: ['pg_isready -U postgres'], interval: 5, shell: true });
    expect(byName.get('db')?.restartPolicy).toBe('no');
    expect(byName.get('cache')?.healthCheck).toMatchObject({ command: ['redis-cli ping | grep PONG'], shell: true });
    expect(byName.get('cache')?.restartPolicy).toBe('always');
  });

  it('top-level volumes and the first network', () => {
    expect(spec.volumes).toEqual([
      { name: 'static', driver: 'local', labels: {} },
      { name: 'cache', driver: 'local', labels: {} },
      { name: 'shop-pgdata', driver: 'local', labels: { backup: 'nightly' } },
    ]);
    expect(spec.network).toEqual({
      name: 'shop',
      driver: 'bridge',
      createIfNotExists: true,
      external: false,
      options: { 'com.docker.network.bridge.name': 'br-shop' },
      labels: {},
      subnet: '172.30.0.0/16',
      gateway: '172.30.0.1',
    });
  });

  it('needs API_KEY from variables: compose would read the shell, Graphium does not', () => {
    const result = failure(parseStack(fixture('compose/full.yml')));
    expect(result.errors).toEqual([
      {
        path: 'services.api.environment[2]',
        message: 'environment variable "API_KEY" has no value: compose would take it from the shell, which Graphium does not read; give a value or pass it in variables',
      },
    ]);
  });
});

describe('compose: interpolation', () => {
  it.each([
    ['${TAG:-1}', {}, 'busybox:1'],
    ['${TAG:-1}', { TAG: '2' }, 'busybox:2'],
    ['${TAG-1}', { TAG: '' }, 'busybox:'],
    ['$TAG', { TAG: '3' }, 'busybox:3'],
    ['${TAG:+alt}', { TAG: 'x' }, 'busybox:alt'],
    ['${TAG:-${FALLBACK:-4}}', {}, 'busybox:4'],
  ])('image busybox:%s with %j → %s', (tag, variables, image) => {
    const text = compose(`  a:\n    image: "busybox:${tag}"\n    command: "echo $$HOME"\n`);
    const result = parseStack(text, { variables });
    if (image.endsWith(':')) {
      expect(result.ok).toBe(false);
      return;
    }
    expect(result).toMatchObject({ ok: true, spec: { containers: [{ image, command: ['echo', '$HOME'] }] } });
  });

  it('refuses an unset variable without a default, at its path', () => {
    expect(failure(parseStack(compose('  a:\n    image: busybox:${TAG}\n'))).errors).toEqual([
      { path: 'services.a.image', message: 'variable "TAG" is not set: pass it in the parse options\' variables, or give a default ("${TAG:-value}")' },
    ]);
  });

  it('reports ${VAR:?message}', () => {
    expect(failure(parseStack(compose('  a:\n    image: busybox:${TAG:?set a tag}\n'))).errors).toEqual([
      { path: 'services.a.image', message: 'variable "TAG": set a tag' },
    ]);
  });
});

describe('compose: stack name', () => {
  const services = 'services:\n  a:\n    image: busybox\n';
  it.each([
    ['billing.yml', 'billing'],
    ['shop/docker-compose.yml', 'shop'],
    ['/srv/app/compose.yaml', 'app'],
    ['docker-compose.yml', 'docker-compose'],
  ])('from the file name %s → %s', (filename, name) => {
    expect(parseStackOrThrow(services, { filename }).spec.name).toBe(name);
  });

  it('is an error with neither name nor file name', () => {
    expect(failure(parseStack(services)).errors).toEqual([
      { path: 'name', message: 'the stack needs a "name" (none given, and no file name to take it from)' },
    ]);
  });
});

describe('compose: refusals and warnings', () => {
  it.each([
    ['    build: .\n', 'services.a.build', 'build is not supported: Graphium deploys images'],
    ['    image: busybox\n    env_file: .env\n', 'services.a.env_file', 'env_file is not supported'],
    ['    image: busybox\n    extends: base\n', 'services.a.extends', 'extends is not supported'],
    ['    image: busybox\n    secrets: [db_password]\n', 'services.a.secrets', 'secrets are not supported'],
    ['    image: busybox\n    deploy: {replicas: 3}\n', 'services.a.deploy.replicas', 'replicas 3 is not supported'],
    ['    image: busybox\n    deploy: {mode: global}\n', 'services.a.deploy.mode', 'mode "global" is not supported'],
    ['    image: busybox\n    scale: 2\n', 'services.a.scale', 'scale 2 is not supported'],
    [
      '    image: busybox\n    deploy: {placement: {constraints: ["node.hostname != vm1"]}}\n',
      'services.a.deploy.placement.constraints[0]',
      'only "==" constraints are supported',
    ],
    [
      '    image: busybox\n    deploy: {placement: {constraints: ["node.role == manager"]}}\n',
      'services.a.deploy.placement.constraints[0]',
      'constraint on "node.role" is not supported',
    ],
    ['    image: busybox\n    volumes: [data:/data]\n', 'services.a.volumes[0]', 'volume "data" is not declared in the top-level volumes'],
    ['    image: busybox\n    volumes: [./data:/data]\n', 'services.a.volumes[0]', 'bind source "./data" must be an absolute host path'],
    ['    image: busybox\n    ports: [{target: 80, published: 70000}]\n', 'services.a.ports[0].published', 'host port 70000 is not in 1..65535'],
    ['    image: busybox\n    ports: ["80:80/sctp"]\n', 'services.a.ports[0]', 'protocol must be one of tcp, udp'],
    ['    image: busybox\n    healthcheck: {test: [WHAT, x]}\n', 'services.a.healthcheck.test', 'test must be a string or a list starting with "CMD"'],
    ['    image: busybox\n    healthcheck: {test: true}\n', 'services.a.healthcheck.test', 'must be a string or a list of strings'],
    ['    image: busybox\n    restart: sometimes\n', 'services.a.restart', 'restart policy must be one of no, always, on-failure, unless-stopped'],
  ])('%j → error at %s', (service, path, fragment) => {
    const result = failure(parseStack(compose(`  a:\n${service}`)));
    expect(result.errors).toEqual([{ path, message: expect.stringContaining(fragment) as string }]);
  });

  it('refuses service_completed_successfully: there is no such state for a long-lived container', () => {
    const text = compose('  a:\n    image: busybox\n    depends_on:\n      m:\n        condition: service_completed_successfully\n  m:\n    image: busybox\n');
    expect(failure(parseStack(text)).errors).toEqual([
      {
        path: 'services.a.depends_on.m.condition',
        message: 'condition service_completed_successfully is not supported: Graphium runs long-lived containers; use service_healthy or service_started',
      },
    ]);
  });

  it('warns, naming the path, about keys it ignores and still deploys', () => {
    const result = parseStack(
      compose('  a:\n    image: busybox\n    build: .\n    container_name: x\n    cap_add: [NET_ADMIN]\n    expose: [80]\n', 'version: "3.9"\nx-anchors: {a: 1}\n'),
    );
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      { path: 'services.a.build', message: 'build ignored: the image "busybox" is deployed as it is' },
      { path: 'services.a.container_name', message: 'container_name ignored: Graphium names containers "{stack}-{service}"' },
      { path: 'services.a.cap_add', message: 'unsupported compose key "cap_add" ignored' },
      { path: 'services.a.expose', message: 'expose ignored: containers reach each other through published host ports' },
    ]);
  });

  it('disables the health check with NONE or disable: true', () => {
    const text = compose('  a:\n    image: busybox\n    healthcheck: {test: [NONE]}\n  b:\n    image: busybox\n    healthcheck: {test: [CMD, "true"], disable: true}\n');
    const { spec } = parseStackOrThrow(text);
    expect(spec.containers.map((c) => c.healthCheck)).toEqual([undefined, undefined]);
  });

  it('reports two services pinned to one host asking for the same port, naming the other', () => {
    const pin = '    deploy: {placement: {constraints: [node.hostname == vm1]}}\n';
    const text = compose(`  a:\n    image: busybox\n    ports: ["8080:80"]\n${pin}  b:\n    image: busybox\n    ports: ["8080:80"]\n${pin}`);
    expect(failure(parseStack(text)).errors).toEqual([
      { path: 'services.b.ports[0]', message: 'host port 8080/tcp on host "vm1" is also requested by container "a" (services.a.ports[0])' },
    ]);
  });

  it('lets compose files in JSON through too', () => {
    const { spec } = parseStackOrThrow(JSON.stringify({ name: 'j', services: { a: { image: 'busybox', ports: [8080] } } }));
    expect(spec.containers[0]?.ports).toEqual([{ containerPort: 8080, protocol: 'tcp' }]);
  });
});
