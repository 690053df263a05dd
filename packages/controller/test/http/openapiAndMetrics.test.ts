import { spawnSync } from 'node:child_process';
import type { Router } from 'express';
import { API_ROUTER } from '../../src/http/app.js';
import { routeTable } from '../../src/http/routeTable.js';
import { buildOpenApiDocument, openApiPath, OPERATIONS } from '../../src/openapi.js';
import { testApp, USER } from './support/testApp.js';

type Document = { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };

describe('OpenAPI document', () => {
  // swagger-parser's dependencies are ES modules, which jest's CommonJS loader cannot require; plain node can.
  it('is a valid OpenAPI 3.1 document whose refs all resolve (swagger-parser)', () => {
    const validate = `
      const SwaggerParser = require(${JSON.stringify(require.resolve('@apidevtools/swagger-parser'))});
      let text = '';
      process.stdin.on('data', (chunk) => (text += chunk)).on('end', () =>
        SwaggerParser.validate(JSON.parse(text)).then(
          () => console.log('valid'),
          (error) => { console.log(error.message); process.exitCode = 1; },
        ),
      );`;
    const result = spawnSync(process.execPath, ['-e', validate], { input: JSON.stringify(buildOpenApiDocument()), encoding: 'utf8' });
    expect(result.stdout.trim()).toBe('valid');
    expect(result.status).toBe(0);
  });

  it('documents exactly the routes the router serves', () => {
    const router = testApp().app.locals[API_ROUTER] as Router;
    const served = routeTable(router)
      .flatMap((route) => route.methods.map((method) => `${method} ${openApiPath(route.path)}`))
      .sort();
    const document = buildOpenApiDocument() as Document;
    const documented = Object.entries(document.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(served);
    expect(new Set(documented).size).toBe(OPERATIONS.length);
  });

  it('is generated from the zod schemas: bodies, responses and the error shape', () => {
    const document = buildOpenApiDocument();
    const claim = ['paths', '/api/v1/agents/{hostId}/tasks/claim', 'post'];
    const json = ['content', 'application/json', 'schema'];
    expect(document).toHaveProperty(['components', 'schemas', 'Error', 'properties', 'error', 'properties', 'code', 'enum'], expect.arrayContaining(['TASK_LEASE_LOST']));
    expect(document).toHaveProperty([...claim, 'requestBody', ...json], { $ref: '#/components/schemas/ClaimRequest' });
    expect(document).toHaveProperty([...claim, 'responses', '200', ...json], { $ref: '#/components/schemas/ClaimResponse' });
    expect(document).toHaveProperty([...claim, 'responses', '409', ...json], { $ref: '#/components/schemas/Error' });
    expect(document).toHaveProperty(
      [...claim, 'parameters'],
      expect.arrayContaining([{ name: 'hostId', in: 'path', required: true, schema: { type: 'string' } }, expect.objectContaining({ name: 'wait', in: 'query' })]),
    );
    expect(document).toHaveProperty(['components', 'schemas', 'TaskStatusUpdate', 'oneOf']);
    expect(document).toHaveProperty(['paths', '/healthz', 'get', 'security'], []);
  });

  it('is served at /api/v1/openapi.json', async () => {
    const res = await testApp().request({ method: 'GET', url: '/api/v1/openapi.json', token: USER });
    expect(res.json()).toMatchObject({ openapi: '3.1.0', info: { title: 'Graphium controller API' } });
  });
});

describe('/metrics', () => {
  it('serves Prometheus text: request durations by route template, tasks by status, held long-polls', async () => {
    const t = testApp();
    await t.queue.createManual({ hostId: 'vm1', taskType: 'stop', containerName: 'a' });
    await t.request({ method: 'GET', url: '/api/v1/tasks/task:whatever', token: USER });
    await t.request({ method: 'GET', url: '/no/such/route' });
    const res = await t.request({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toContain('graphium_http_request_duration_seconds_count{method="GET",route="/api/v1/tasks/:id",status="404"} 1');
    expect(text).toContain('graphium_http_request_duration_seconds_count{method="GET",route="(unmatched)",status="404"} 1');
    expect(text).toContain('graphium_tasks{status="pending"} 1');
    expect(text).toContain('graphium_tasks{status="running"} 0');
    expect(text).toContain('graphium_claims_held 0');
  });

  it('keeps the last task counts when the store cannot be read, and counts the failure', async () => {
    const t = testApp();
    t.queue.stats = async () => {
      throw new Error('store down');
    };
    const text = await t.metrics.text();
    expect(text).toContain('graphium_task_stats_errors_total 1');
  });
});
