import {
  agentTaskDocument,
  createTaskRequest,
  deploymentEvent,
  deploymentStateDocument,
  deploymentStateIdOf,
  GRAPHIUM_CONTEXT,
  hostDocument,
  hostSnapshotOf,
  isTerminalTaskStatus,
  queueKeyOf,
  stackDocument,
  stackIdOf,
  TASK_PRIORITY,
  taskId,
  taskStatsResponse,
  taskStatusUpdate,
} from '../src/index.js';

const now = '2026-11-22T08:00:00.000Z';

const deployTask = {
  '@type': 'AgentTask',
  '@id': taskId('stack:web', 2, 'nginx-1', 'deploy'),
  taskType: 'deploy',
  status: 'pending',
  hostId: 'vm1',
  stackId: 'stack:web',
  generation: 2,
  containerName: 'nginx-1',
  priority: TASK_PRIORITY.deploy,
  queueKey: queueKeyOf(TASK_PRIORITY.deploy, now),
  payload: {
    kind: 'deploy',
    containerName: 'web-nginx-1',
    containerSpec: { name: 'nginx-1', image: 'nginx:alpine', ports: [{ containerPort: 80, hostPort: 8081 }] },
    specHash: 'abc123',
  },
  dateCreated: now,
};

describe('AgentTask document', () => {
  it('fills the documented defaults', () => {
    const task = agentTaskDocument.parse(deployTask);
    expect(task['@context']).toBe(GRAPHIUM_CONTEXT);
    expect(task).toMatchObject({ attempt: 0, maxAttempts: 3, timeoutSeconds: 300, dependsOn: [] });
    expect(task.payload).toMatchObject({ pullPolicy: 'if-not-present', injectedEnv: {}, pendingEndpoints: {} });
    expect(task['@id']).toBe('task:stack:web:2:nginx-1:deploy');
  });

  it('rejects a priority out of 0..10 and an unknown status, naming the field', () => {
    const bad = agentTaskDocument.safeParse({ ...deployTask, priority: 11, status: 'lost' });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['priority', 'status']));
  });

  it('orders teardown before build-up', () => {
    expect(TASK_PRIORITY.remove).toBeGreaterThan(TASK_PRIORITY.stop);
    expect(TASK_PRIORITY.stop).toBeGreaterThan(TASK_PRIORITY.deploy);
  });

  it.each([
    ['completed', true],
    ['failed', true],
    ['cancelled', true],
    ['pending', false],
    ['claimed', false],
    ['running', false],
  ] as const)('%s is terminal: %s', (status, terminal) => {
    expect(isTerminalTaskStatus(status)).toBe(terminal);
  });
});

describe('task status update', () => {
  it('requires the lease token on every write', () => {
    expect(taskStatusUpdate.safeParse({ status: 'running' }).success).toBe(false);
    expect(taskStatusUpdate.safeParse({ status: 'running', leaseToken: 't' }).success).toBe(true);
  });

  it('requires a typed error on failure', () => {
    const ok = taskStatusUpdate.safeParse({
      status: 'failed',
      leaseToken: 't',
      error: { code: 'IMAGE_NOT_FOUND', message: 'no such image', retryable: false },
    });
    expect(ok.success).toBe(true);
    const bad = taskStatusUpdate.safeParse({
      status: 'failed',
      leaseToken: 't',
      error: { code: 'OOPS', message: 'x', retryable: false },
    });
    expect(bad.success).toBe(false);
  });
});

describe('manual task request', () => {
  it('refuses deploy tasks, which only planning creates', () => {
    expect(createTaskRequest.safeParse({ hostId: 'vm1', taskType: 'deploy', containerName: 'x' }).success).toBe(
      false,
    );
    expect(createTaskRequest.safeParse({ hostId: 'vm1', taskType: 'stop', containerName: 'x' }).success).toBe(true);
  });
});

describe('host document', () => {
  const host = hostDocument.parse({
    '@type': 'Host',
    '@id': 'host:vm1',
    hostId: 'vm1',
    address: '10.0.0.5',
    datacenter: 'dc1',
    resources: { cpus: 4, memory: 8 * 2 ** 30 },
    status: 'online',
    registeredAt: now,
    lastSeen: now,
  });

  it('becomes a placement snapshot', () => {
    expect(hostSnapshotOf(host)).toEqual({
      id: 'vm1',
      address: '10.0.0.5',
      status: 'online',
      datacenter: 'dc1',
      labels: {},
      resources: { cpus: 4, memory: 8 * 2 ** 30 },
      load: undefined,
      usedHostPorts: [],
    });
  });
});

describe('stack and event documents', () => {
  it('identifies stacks by name', () => {
    expect(stackIdOf('web')).toBe('stack:web');
  });

  it('requires a generation of at least 1 and a known status', () => {
    const stack = stackDocument.safeParse({
      '@type': 'Stack',
      '@id': 'stack:web',
      name: 'web',
      definition: {
        name: 'web',
        deployment: {},
        containers: [{ name: 'a', image: 'busybox' }],
      },
      sourceFormat: 'jsonld',
      status: 'deploying',
      generation: 0,
      dateCreated: now,
      dateModified: now,
    });
    expect(stack.success).toBe(false);
    expect(stack.error?.issues.map((i) => i.path.join('.'))).toEqual(['generation']);
  });

  it('accepts a live event', () => {
    const event = deploymentEvent.parse({
      '@type': 'DeploymentEvent',
      '@id': 'event:1',
      type: 'task_updated',
      timestamp: now,
      taskId: 't1',
    });
    expect(event.data).toEqual({});
  });
});

describe('task stats response', () => {
  it('has a count for every status and type', () => {
    const zeroes = { pending: 0, claimed: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
    const stats = taskStatsResponse.safeParse({
      total: 0,
      byStatus: zeroes,
      byType: { deploy: 0, stop: 0, start: 0, restart: 0 },
      byHost: {},
    });
    expect(stats.success).toBe(false);
    expect(stats.error?.issues[0]?.path).toEqual(['byType', 'remove']);
  });
});

describe('deployment state document', () => {
  const state = {
    '@type': 'DeploymentState',
    '@id': deploymentStateIdOf('stack:web'),
    stackId: 'stack:web',
    generation: 1,
    status: 'deploying',
    phase: 'deploying',
    progress: 40,
    strategy: 'manual',
    seed: 7,
    placements: {
      'nginx-1': { hostId: 'vm1', hostAddress: '10.0.0.1', status: 'pulling', taskId: 't1' },
    },
    explanation: {
      'nginx-1': {
        container: 'nginx-1',
        strategy: 'manual',
        hostsEvaluated: 3,
        hostsEligible: 1,
        filtered: [{ hostId: 'vm2', reason: 'pinned', message: 'container is pinned to vm1' }],
        filteredCounts: { pinned: 2 },
        filteredOmitted: 1,
        top: [{ hostId: 'vm1', score: 100, terms: [{ name: 'base', value: 100 }] }],
        chosen: 'vm1',
        decidedBy: 'pinned by locatedInHost',
      },
    },
    dateModified: now,
  };

  it('keeps placements with per-container progress and the explanation', () => {
    const parsed = deploymentStateDocument.parse(state);
    expect(parsed['@id']).toBe('deployment:stack:web');
    expect(parsed.placements['nginx-1']).toMatchObject({ status: 'pulling', ports: [] });
  });

  it('rejects progress over 100 and an unknown container status', () => {
    const bad = deploymentStateDocument.safeParse({
      ...state,
      progress: 101,
      placements: { 'nginx-1': { hostId: 'vm1', hostAddress: 'a', status: 'sleeping' } },
    });
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'placements.nginx-1.status',
      'progress',
    ]);
  });
});

describe('queueKeyOf', () => {
  it('sorts higher priority first, then older first, as plain strings', () => {
    const keys = [
      queueKeyOf(5, '2026-01-01T00:00:02.000Z'),
      queueKeyOf(7, '2026-01-01T00:00:09.000Z'),
      queueKeyOf(5, '2026-01-01T00:00:01.000Z'),
      queueKeyOf(10, '2026-01-01T00:00:05.000Z'),
      queueKeyOf(0, '2026-01-01T00:00:00.000Z'),
    ];
    expect([...keys].sort()).toEqual([keys[3], keys[1], keys[2], keys[0], keys[4]]);
  });
});
