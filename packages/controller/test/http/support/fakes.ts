/**
 * In-test fakes of the ports the routes use, for route-level behaviour only (the real implementations have
 * their own contract tests on the store). The task queue is the real in-memory one, MemoryTaskQueue.
 */
import {
  AppError,
  GRAPHIUM_CONTEXT,
  type DeploymentEvent,
  type DeployStackResponse,
  type HeartbeatRequest,
  type HostDocument,
  type RegisterAgentRequest,
  type RegisterAgentResponse,
} from '@graphium/shared';
import type {
  CreatedToken,
  EventLog,
  HostRegistry,
  NewEvent,
  Page,
  PlanPreview,
  Principal,
  StackService,
  StackView,
  SubmittedDefinition,
  TokenStore,
} from '../../../src/ports.js';

export class FakeTokens implements TokenStore {
  readonly tokens = new Map<string, Principal>();
  verifyCalls = 0;

  add(token: string, principal: Principal): string {
    this.tokens.set(token, principal);
    return token;
  }

  async verify(token: string): Promise<Principal | undefined> {
    this.verifyCalls += 1;
    return this.tokens.get(token);
  }

  async create(principal: Principal): Promise<CreatedToken> {
    const token = `gr${principal.kind === 'agent' ? 'h' : 'u'}_${this.tokens.size}`;
    this.tokens.set(token, principal);
    return { token, principal };
  }

  async ensureAdmin(): Promise<CreatedToken | undefined> {
    return undefined;
  }
}

export class FakeHosts implements HostRegistry {
  readonly hosts = new Map<string, HostDocument>();
  private sessions = 0;

  async register(hostId: string, request: RegisterAgentRequest): Promise<RegisterAgentResponse> {
    const agentSession = `session-${(this.sessions += 1)}`;
    const now = new Date().toISOString();
    this.hosts.set(hostId, {
      '@context': GRAPHIUM_CONTEXT,
      '@type': 'Host',
      '@id': `host:${hostId}`,
      hostId,
      address: request.address,
      labels: request.labels,
      resources: request.resources,
      status: 'online',
      usedHostPorts: [],
      agentSession,
      registeredAt: now,
      lastSeen: now,
    });
    return { hostId, agentSession, heartbeatIntervalSeconds: 10, leaseSeconds: 60 };
  }

  async heartbeat(hostId: string, request: HeartbeatRequest): Promise<HostDocument> {
    await this.assertSession(hostId, request.agentSession);
    const host = { ...this.hosts.get(hostId)!, load: request.load, usedHostPorts: request.usedHostPorts };
    this.hosts.set(hostId, host);
    return host;
  }

  async assertSession(hostId: string, agentSession: string): Promise<void> {
    if (this.hosts.get(hostId)?.agentSession !== agentSession) {
      throw new AppError('AGENT_SESSION_CONFLICT', 'this agent session was replaced');
    }
  }

  async get(hostId: string): Promise<HostDocument | undefined> {
    return this.hosts.get(hostId);
  }

  async list(): Promise<HostDocument[]> {
    return [...this.hosts.values()];
  }

  async drain(hostId: string): Promise<HostDocument> {
    const host = this.hosts.get(hostId);
    if (host === undefined) throw new AppError('NOT_FOUND', `no host ${hostId}`);
    const drained = { ...host, status: 'draining' as const };
    this.hosts.set(hostId, drained);
    return drained;
  }

  async markOffline(): Promise<HostDocument[]> {
    return [];
  }
}

export class FakeEvents implements EventLog {
  readonly stored: DeploymentEvent[] = [];
  readonly listeners = new Set<(event: DeploymentEvent) => void>();
  private count = 0;

  async publish(input: NewEvent): Promise<DeploymentEvent> {
    this.count += 1;
    const timestamp = new Date(Date.UTC(2030, 0, 1, 0, 0, this.count)).toISOString();
    const id = `event:${timestamp}:${this.count}`;
    const event: DeploymentEvent = {
      '@context': GRAPHIUM_CONTEXT,
      '@type': 'DeploymentEvent',
      '@id': id,
      _id: id,
      _rev: '1-x',
      type: input.type,
      timestamp,
      stackId: input.stackId,
      hostId: input.hostId,
      message: input.message,
      data: input.data ?? {},
    };
    this.stored.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  async list(query: { stackId?: string | undefined; limit: number }): Promise<DeploymentEvent[]> {
    return this.stored.filter((e) => query.stackId === undefined || e.stackId === query.stackId).slice(-query.limit);
  }

  subscribe(listener: (event: DeploymentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

/** Records what the routes pass on; answers with canned values or a thrown error. */
export class FakeStacks implements StackService {
  readonly deployed: Array<{ definition: SubmittedDefinition; owner: string }> = [];
  readonly views = new Map<string, StackView>();
  failWith: unknown;

  async deploy(definition: SubmittedDefinition, owner: string): Promise<DeployStackResponse> {
    if (this.failWith !== undefined) throw this.failWith;
    this.deployed.push({ definition, owner });
    return {
      stackId: 'stack:web',
      name: 'web',
      generation: 1,
      status: 'deploying',
      format: 'compose',
      location: '/api/v1/stacks/stack%3Aweb',
      taskIds: [],
      warnings: [],
    };
  }

  async plan(definition: SubmittedDefinition): Promise<PlanPreview> {
    this.deployed.push({ definition, owner: '(plan)' });
    return { stackId: 'stack:web', name: 'web', format: 'compose', strategy: 'auto', placements: {}, explanation: {}, warnings: [] };
  }

  async list(): Promise<Page<StackView['stack']>> {
    return { items: [...this.views.values()].map((v) => v.stack) };
  }

  async get(stackId: string): Promise<StackView | undefined> {
    return this.views.get(stackId);
  }

  private existing(stackId: string): StackView {
    const view = this.views.get(stackId);
    if (view === undefined) throw new AppError('NOT_FOUND', `no stack ${stackId}`);
    return view;
  }

  async stop(stackId: string): Promise<StackView> {
    return this.existing(stackId);
  }

  async start(stackId: string): Promise<StackView> {
    return this.existing(stackId);
  }

  async remove(stackId: string): Promise<StackView> {
    return this.existing(stackId);
  }

  async startMonitor(): Promise<void> {}
  async stopMonitor(): Promise<void> {}
}
