import { GRAPHIUM_CONTEXT, type StackDocument } from '@graphium/shared';
import { testApp, USER } from './support/testApp.js';

const COMPOSE = 'services:\n  web:\n    image: nginx:1.27\n';

function stack(name: string): StackDocument {
  return {
    '@context': GRAPHIUM_CONTEXT,
    '@type': 'Stack',
    '@id': `stack:${name}`,
    name,
    definition: { name, containers: [] } as unknown as StackDocument['definition'],
    sourceFormat: 'compose',
    status: 'running',
    generation: 1,
    operation: 0,
    action: 'deploy',
    warnings: [],
    dateCreated: '2030-01-01T00:00:00.000Z',
    dateModified: '2030-01-01T00:00:00.000Z',
  };
}

describe('stack routes', () => {
  it.each(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain', 'application/json', 'application/ld+json'])(
    'deploy passes the raw %s text and its type to the stack service: 202 + Location',
    async (contentType) => {
      const { request, stacks } = testApp();
      const res = await request({ method: 'POST', url: '/api/v1/stacks', token: USER, headers: { 'content-type': contentType }, payload: COMPOSE });
      expect(res.statusCode).toBe(202);
      expect(res.headers.location).toBe('/api/v1/stacks/stack%3Aweb');
      expect(res.json()).toMatchObject({ stackId: 'stack:web', status: 'deploying' });
      expect(stacks.deployed).toEqual([{ definition: { body: COMPOSE, contentType, filename: undefined }, owner: 'alice' }]);
    },
  );

  it('passes a Content-Disposition file name on, to help format detection', async () => {
    const { request, stacks } = testApp();
    await request({
      method: 'POST',
      url: '/api/v1/stacks/plan',
      token: USER,
      headers: { 'content-type': 'application/yaml', 'content-disposition': 'attachment; filename="docker-compose.yml"' },
      payload: COMPOSE,
    });
    expect(stacks.deployed[0]!.definition.filename).toBe('docker-compose.yml');
  });

  it('refuses an empty definition: 400', async () => {
    const { request } = testApp();
    const res = await request({ method: 'POST', url: '/api/v1/stacks', token: USER, headers: { 'content-type': 'application/yaml' }, payload: '  ' });
    expect(res.statusCode).toBe(400);
  });

  it('plans without deploying: 200 with the preview', async () => {
    const { request } = testApp();
    const res = await request({ method: 'POST', url: '/api/v1/stacks/plan', token: USER, headers: { 'content-type': 'text/yaml' }, payload: COMPOSE });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ stackId: 'stack:web', strategy: 'auto' });
  });

  it('reads a stack by id or by bare name; actions answer 202 with the view', async () => {
    const { request, stacks } = testApp();
    stacks.views.set('stack:web', { stack: stack('web') });
    for (const url of ['/api/v1/stacks/stack:web', '/api/v1/stacks/web', '/api/v1/stacks/stack%3Aweb']) {
      const res = await request({ method: 'GET', url, token: USER });
      expect(res.statusCode).toBe(200);
      expect(res.json().stack.name).toBe('web');
    }
    for (const [method, url] of [['POST', '/api/v1/stacks/web/stop'], ['POST', '/api/v1/stacks/web/start'], ['DELETE', '/api/v1/stacks/web']] as const) {
      expect((await request({ method, url, token: USER })).statusCode).toBe(202);
    }
  });

  it('lists with a validated query', async () => {
    const { request, stacks } = testApp();
    stacks.views.set('stack:web', { stack: stack('web') });
    const res = await request({ method: 'GET', url: '/api/v1/stacks?status=running&limit=10', token: USER });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(1);
    expect((await request({ method: 'GET', url: '/api/v1/stacks?status=happy', token: USER })).statusCode).toBe(400);
  });
});
