import type { AgentTaskDocument, TaskStatus } from '@graphium/shared';
import { assessClaim, dependencyIdsOf } from '../../src/queue/claimability.js';
import { task } from './tasks.js';

const NOW = Date.parse('2030-01-01T00:00:00.000Z');
const binding = { container: 'api', containerPort: 8080, hostAddress: '10.0.0.1', taskId: 'api-task' };

function dep(id: string, status: TaskStatus, result?: AgentTaskDocument['result']): [string, AgentTaskDocument] {
  return [id, { ...task({ id }), status, ...(result === undefined ? {} : { result }) }];
}

describe('assessClaim', () => {
  it('is claimable without dependencies or back-off', () => {
    expect(assessClaim(task({ id: 't' }), new Map(), NOW)).toEqual({ kind: 'claimable' });
  });

  it('waits for the back-off and says until when', () => {
    const t = task({ id: 't', notBefore: '2030-01-01T00:00:05.000Z' });
    expect(assessClaim(t, new Map(), NOW)).toEqual({ kind: 'waiting', notBefore: NOW + 5000 });
    expect(assessClaim(t, new Map(), NOW + 5000).kind).toBe('claimable');
  });

  it.each<[string, TaskStatus | undefined, AgentTaskDocument['result'] | undefined, string]>([
    ['missing', undefined, undefined, 'waiting'],
    ['pending', 'pending', undefined, 'waiting'],
    ['running', 'running', undefined, 'waiting'],
    ['completed', 'completed', { ports: [] }, 'claimable'],
    ['failed', 'failed', undefined, 'dependencyFailed'],
    ['cancelled', 'cancelled', undefined, 'dependencyFailed'],
  ])('with a %s dependency: %s', (_, status, result, expected) => {
    const deps = new Map(status === undefined ? [] : [dep('d', status, result)]);
    expect(assessClaim(task({ id: 't', dependsOn: ['d'] }), deps, NOW).kind).toBe(expected);
  });

  it('fails rather than waits when a dependency failed, even during its own back-off', () => {
    const t = task({ id: 't', dependsOn: ['d'], notBefore: '2030-01-02T00:00:00.000Z' });
    expect(assessClaim(t, new Map([dep('d', 'failed')]), NOW)).toMatchObject({
      kind: 'dependencyFailed',
      error: { code: 'DEPENDENCY_FAILED', retryable: false },
    });
  });

  it.each([
    [true, 'claimable'],
    [false, 'dependencyFailed'],
    [undefined, 'dependencyFailed'],
  ])('with a dependency that must be healthy and reported healthy=%s: %s', (healthy, expected) => {
    const t = task({ id: 't', dependsOn: ['d'], dependsOnHealthy: ['d'] });
    const result = { ports: [], ...(healthy === undefined ? {} : { healthy }) };
    expect(assessClaim(t, new Map([dep('d', 'completed', result)]), NOW).kind).toBe(expected);
  });

  it('fills pending endpoints from the dependency result', () => {
    const t = task({ id: 't', pendingEndpoints: { API: binding } });
    expect(dependencyIdsOf(t)).toEqual(['api-task']);
    expect(assessClaim(t, new Map(), NOW)).toEqual({ kind: 'waiting' });
    expect(assessClaim(t, new Map([dep('api-task', 'running')]), NOW)).toEqual({ kind: 'waiting' });
    const done = dep('api-task', 'completed', { ports: [{ containerPort: 8080, hostPort: 32000, protocol: 'tcp' }] });
    expect(assessClaim(t, new Map([done]), NOW)).toEqual({
      kind: 'claimable',
      injectedEnv: { API_HOST: '10.0.0.1', API_PORT: '32000', API_ENDPOINT: '10.0.0.1:32000' },
    });
  });

  it('fails when the dependency finished without publishing the port', () => {
    const t = task({ id: 't', pendingEndpoints: { API: binding } });
    const done = dep('api-task', 'completed', { ports: [{ containerPort: 9090, hostPort: 32000, protocol: 'tcp' }] });
    expect(assessClaim(t, new Map([done]), NOW)).toMatchObject({ kind: 'dependencyFailed' });
  });
});
