import { parseStack, parseStackOrThrow } from '../../src/formats/index.js';
import { dependencyWaves } from '../../src/validation/index.js';
import { fixture } from '../fixtures/load.js';

function shop(): { itemListElement: Array<Record<string, unknown>> } & Record<string, unknown> {
  return JSON.parse(fixture('eve/shop.json')) as { itemListElement: Array<Record<string, unknown>> };
}

describe('EVE ItemList', () => {
  const { format, spec, warnings } = parseStackOrThrow(fixture('eve/shop.json'));
  const byName = new Map(spec.containers.map((c) => [c.name, c]));

  it('is detected and read without warnings', () => {
    expect(format).toBe('eve');
    expect(warnings).toEqual([]);
    expect(spec).toMatchObject({ name: 'eve-shop', sourceId: 'eve:shop', description: 'Shop stack in EVE ItemList form' });
  });

  it('orders containers by position, keeping file order for equal positions (ListItem wrappers too)', () => {
    expect(spec.containers.map((c) => c.name)).toEqual(['db', 'cache', 'api', 'web']);
  });

  it('turns requirements into dependencies and waitForHealthy into a healthy condition', () => {
    expect(byName.get('api')?.dependsOn).toEqual([
      { name: 'db', condition: 'healthy' },
      { name: 'cache', condition: 'started' },
    ]);
    expect(byName.get('web')?.dependsOn).toEqual([{ name: 'api', condition: 'started' }]);
    expect(dependencyWaves(spec)).toEqual([['db', 'cache'], ['api'], ['web']]);
  });

  it('accepts ports as numbers, "host:container" strings and objects', () => {
    expect(byName.get('db')?.ports).toEqual([{ containerPort: 5432, protocol: 'tcp' }]);
    expect(byName.get('web')?.ports).toEqual([{ containerPort: 80, hostPort: 8080, protocol: 'tcp' }]);
    expect(byName.get('api')?.ports).toEqual([{ containerPort: 3000, hostPort: 3000, protocol: 'tcp' }]);
  });

  it('coerces environment values to strings and reads mounts, commands and health checks', () => {
    expect(byName.get('api')?.environment).toEqual({ DB_POOL: '10', FEATURE_X: 'true', NAME: 'api' });
    expect(byName.get('web')?.volumeMounts).toEqual([{ source: '/srv/static', target: '/usr/share/nginx/html', type: 'bind', readOnly: true }]);
    expect(byName.get('db')?.volumeMounts).toEqual([{ source: 'pgdata', target: '/var/lib/postgresql/data', type: 'volume', readOnly: false }]);
    expect(byName.get('cache')?.command).toEqual(['redis-server', '--save', '']);
    expect(byName.get('db')?.healthCheck).toEqual({ type: 'exec', command: ['pg_isready -U postgres'], interval: 5, timeout: 5, retries: 3, startPeriod: 0, shell: true });
    expect(byName.get('api')?.healthCheck).toMatchObject({ type: 'http', path: '/health', port: 3000 });
  });

  it('reads the network name and volumes', () => {
    expect(spec.network).toMatchObject({ name: 'shop-net', driver: 'bridge' });
    expect(spec.volumes).toEqual([{ name: 'pgdata', driver: 'local', labels: {} }]);
  });

  it('reports errors at the element as written, whatever its position', () => {
    const doc = shop();
    doc.itemListElement[1] = { ...doc.itemListElement[1], ports: [{ containerPort: 3000, hostPort: 99999 }] };
    doc.itemListElement[0] = { ...doc.itemListElement[0], requirements: ['ghost'] };
    const result = parseStack(doc);
    expect(result).toMatchObject({
      ok: false,
      format: 'eve',
      errors: [
        { path: 'itemListElement[1].ports[0].hostPort', message: 'host port 99999 is not in 1..65535' },
        { path: 'itemListElement[0].requirements[0]', message: expect.stringContaining('depends on "ghost", which is not a container of this stack') as string },
      ],
    });
  });

  it('reports a cycle through requirements as the path to follow', () => {
    const doc = shop();
    doc.itemListElement[2] = { ...doc.itemListElement[2], requirements: ['web'] };
    const result = parseStack(doc);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      // Closed by api's dependency on db, declared (healthy) in its softwareRequirements.
      expect(result.errors).toEqual([{ path: 'itemListElement[1].softwareRequirements[0]', message: 'dependency cycle: db -> web -> api -> db' }]);
    }
  });

  it('names unknown element fields in warnings', () => {
    const doc = shop();
    doc.itemListElement[3] = { ...doc.itemListElement[3], color: 'blue' };
    expect(parseStack(doc).warnings).toEqual([{ path: 'itemListElement[3].color', message: 'unknown field "color" ignored' }]);
  });

  it('refuses a non-numeric position but still reads the rest', () => {
    const doc = shop();
    doc.itemListElement[0] = { ...doc.itemListElement[0], position: 'first' };
    expect(parseStack(doc)).toMatchObject({ ok: false, errors: [{ path: 'itemListElement[0].position', message: 'must be a number, got a string ("first")' }] });
  });
});
