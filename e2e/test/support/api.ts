/**
 * A small typed client of the controller's HTTP API for the end-to-end tests. Answers are parsed with the
 * shared zod schemas, so a test also proves the controller keeps the published contract.
 */
import {
  createTokenResponse,
  deployStackResponse,
  hostListResponse,
  planPreviewResponse,
  stackViewResponse,
  taskPageResponse,
  taskStatsResponse,
  type AgentTaskDocument,
  type StackStatus,
} from '../../../packages/shared/src/index';

/** What the tests need of a zod schema (zod itself resolves only from the packages). */
interface Schema<T> {
  parse(value: unknown): T;
}

export type StackView = ReturnType<typeof stackViewResponse.parse>;
export type PlanPreview = ReturnType<typeof planPreviewResponse.parse>;
export type DeployResponse = ReturnType<typeof deployStackResponse.parse>;
export type TaskStats = ReturnType<typeof taskStatsResponse.parse>;
export type HostList = ReturnType<typeof hostListResponse.parse>;

export interface TaskQuery {
  stackId?: string;
  hostId?: string;
  status?: string;
  taskType?: string;
}

/** A stack definition: an object (sent as JSON) or text (JSON or compose YAML, sent as is). */
export type Definition = object | string;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} → ${status} ${JSON.stringify(body).slice(0, 800)}`);
  }
}

interface Sent {
  status: number;
  body: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class GraphiumApi {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  /** One request; the body parsed as JSON when there is one. Never throws on a status. */
  async send(method: string, path: string, body?: { text: string; contentType: string }): Promise<Sent> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': body.contentType }) },
      body: body?.text,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed };
  }

  private async expect<T>(schema: Schema<T>, expected: number[], method: string, path: string, body?: { text: string; contentType: string }): Promise<T> {
    const sent = await this.send(method, path, body);
    if (!expected.includes(sent.status)) throw new ApiError(sent.status, sent.body, `${method} ${path}`);
    return schema.parse(sent.body);
  }

  private static definitionBody(definition: Definition): { text: string; contentType: string } {
    if (typeof definition !== 'string') return { text: JSON.stringify(definition), contentType: 'application/json' };
    const json = /^\s*[{[]/.test(definition);
    return { text: definition, contentType: json ? 'application/json' : 'application/yaml' };
  }

  deploy(definition: Definition): Promise<DeployResponse> {
    return this.expect(deployStackResponse, [202], 'POST', '/api/v1/stacks', GraphiumApi.definitionBody(definition));
  }

  plan(definition: Definition): Promise<PlanPreview> {
    return this.expect(planPreviewResponse, [200], 'POST', '/api/v1/stacks/plan', GraphiumApi.definitionBody(definition));
  }

  /** The stack with its deployment state; undefined once it is gone (404). */
  async stack(id: string): Promise<StackView | undefined> {
    const sent = await this.send('GET', `/api/v1/stacks/${encodeURIComponent(id)}`);
    if (sent.status === 404) return undefined;
    if (sent.status !== 200) throw new ApiError(sent.status, sent.body, `GET stack ${id}`);
    return stackViewResponse.parse(sent.body);
  }

  async stop(id: string): Promise<void> {
    await this.expectStatus('POST', `/api/v1/stacks/${encodeURIComponent(id)}/stop`, 202);
  }

  async start(id: string): Promise<void> {
    await this.expectStatus('POST', `/api/v1/stacks/${encodeURIComponent(id)}/start`, 202);
  }

  async remove(id: string): Promise<void> {
    await this.expectStatus('DELETE', `/api/v1/stacks/${encodeURIComponent(id)}`, 202);
  }

  private async expectStatus(method: string, path: string, status: number): Promise<unknown> {
    const sent = await this.send(method, path);
    if (sent.status !== status) throw new ApiError(sent.status, sent.body, `${method} ${path}`);
    return sent.body;
  }

  /** Every task matching the query (all pages). */
  async tasks(query: TaskQuery = {}): Promise<AgentTaskDocument[]> {
    const items: AgentTaskDocument[] = [];
    let cursor: string | undefined;
    do {
      const params = new URLSearchParams({ ...query, limit: '1000', ...(cursor === undefined ? {} : { cursor }) } as Record<string, string>);
      const page = await this.expect(taskPageResponse, [200], 'GET', `/api/v1/tasks?${params}`);
      items.push(...page.items);
      cursor = page.next;
    } while (cursor !== undefined);
    return items;
  }

  taskStats(): Promise<TaskStats> {
    return this.expect(taskStatsResponse, [200], 'GET', '/api/v1/tasks/stats');
  }

  hosts(): Promise<HostList> {
    return this.expect(hostListResponse, [200], 'GET', '/api/v1/hosts');
  }

  /** A token bound to `hostId` for an agent (admin token needed). */
  async createAgentToken(hostId: string): Promise<string> {
    const body = { text: JSON.stringify({ kind: 'agent', name: hostId, hostId }), contentType: 'application/json' };
    return (await this.expect(createTokenResponse, [201], 'POST', '/api/v1/tokens', body)).token;
  }

  /** Polls until `check` accepts the stack view (or its absence); fails with the last view seen. */
  async waitForStack(id: string, check: (view: StackView | undefined) => boolean, timeoutMs = 60_000, what = 'the expected state'): Promise<StackView | undefined> {
    const deadline = Date.now() + timeoutMs;
    let last: StackView | undefined;
    for (;;) {
      last = await this.stack(id);
      if (check(last)) return last;
      if (Date.now() > deadline) {
        const summary = last === undefined ? 'gone' : { status: last.stack.status, placements: last.deployment?.placements, error: last.stack.errorMessage };
        throw new Error(`stack ${id} did not reach ${what} within ${timeoutMs} ms; last seen: ${JSON.stringify(summary)}`);
      }
      await sleep(100);
    }
  }

  /** Waits for one of the given stack statuses and returns the view. */
  async waitForStatus(id: string, statuses: StackStatus | StackStatus[], timeoutMs = 60_000): Promise<StackView> {
    const wanted = Array.isArray(statuses) ? statuses : [statuses];
    const view = await this.waitForStack(id, (v) => v !== undefined && wanted.includes(v.stack.status), timeoutMs, `status ${wanted.join('|')}`);
    return view as StackView;
  }

  /** DELETE, then wait until the stack's metadata is gone (404). */
  async removeAndWait(id: string, timeoutMs = 60_000): Promise<void> {
    await this.remove(id);
    await this.waitForStack(id, (v) => v === undefined, timeoutMs, 'deletion (404)');
  }
}
