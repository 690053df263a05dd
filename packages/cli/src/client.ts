/**
 * The typed HTTP client of the controller's API (DESIGN.md §9): one method per operation, every response
 * checked against the shared zod schema it is documented with, every failure turned into a CliError that
 * says what happened in the user's terms. Nothing else in the CLI speaks HTTP.
 */
import {
  deploymentEvent,
  deployStackResponse,
  errorResponse,
  hostListResponse,
  hostView,
  planPreviewResponse,
  STACK_SUBMISSION_TYPE,
  stackPageResponse,
  stackViewResponse,
  taskPageResponse,
  taskStatsResponse,
  agentTaskDocument,
  type DeploymentEvent,
  type StackSubmission,
  type StackStatus,
  type TaskListQuery,
} from '@graphium/shared';
import { Agent, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { CliError } from './errors.js';
import { readServerSentEvents } from './sse.js';

export type StackView = z.infer<typeof stackViewResponse>;
export type StackPage = z.infer<typeof stackPageResponse>;
export type PlanPreview = z.infer<typeof planPreviewResponse>;
export type DeployResponse = z.infer<typeof deployStackResponse>;
export type HostList = z.infer<typeof hostListResponse>;
export type HostView = z.infer<typeof hostView>;
export type TaskPage = z.infer<typeof taskPageResponse>;
export type TaskStats = z.infer<typeof taskStatsResponse>;
export type Task = z.infer<typeof agentTaskDocument>;

/** A stack definition as read from a file, ready to send. */
export interface DefinitionUpload {
  text: string;
  /** Media type of `text` (`application/ld+json`, `application/json`, `application/yaml`). */
  contentType: string;
  filename: string;
  /** Compose variables from the user's environment; when there are any, the definition goes in a StackSubmission. */
  variables: Record<string, string>;
}

export interface ClientOptions {
  baseUrl: string;
  token?: string | undefined;
  /** Milliseconds to wait for a response's headers. Default 30 s. */
  timeoutMs?: number;
}

type Method = 'GET' | 'POST' | 'DELETE';

interface Call {
  method: Method;
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: { contentType: string; text: string; filename?: string };
}

const enc = encodeURIComponent;

export class GraphiumClient {
  private readonly dispatcher: Agent;

  constructor(private readonly options: ClientOptions) {
    const timeout = options.timeoutMs ?? 30_000;
    this.dispatcher = new Agent({ headersTimeout: timeout, connectTimeout: Math.min(timeout, 10_000) });
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  deployStack(definition: DefinitionUpload): Promise<DeployResponse> {
    return this.send({ method: 'POST', path: '/api/v1/stacks', body: bodyOf(definition) }, deployStackResponse);
  }

  planStack(definition: DefinitionUpload): Promise<PlanPreview> {
    return this.send({ method: 'POST', path: '/api/v1/stacks/plan', body: bodyOf(definition) }, planPreviewResponse);
  }

  listStacks(query: { status?: StackStatus; limit?: number; cursor?: string } = {}): Promise<StackPage> {
    return this.send({ method: 'GET', path: '/api/v1/stacks', query }, stackPageResponse);
  }

  /** The stack with its deployment state; `id` is `stack:web` or the bare name `web`. */
  getStack(id: string): Promise<StackView> {
    return this.send({ method: 'GET', path: `/api/v1/stacks/${enc(id)}` }, stackViewResponse);
  }

  /** Like getStack, but a stack that does not exist (any more) is `undefined`, not an error. */
  async findStack(id: string): Promise<StackView | undefined> {
    try {
      return await this.getStack(id);
    } catch (error) {
      if (error instanceof CliError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  stopStack(id: string): Promise<StackView> {
    return this.send({ method: 'POST', path: `/api/v1/stacks/${enc(id)}/stop` }, stackViewResponse);
  }

  startStack(id: string): Promise<StackView> {
    return this.send({ method: 'POST', path: `/api/v1/stacks/${enc(id)}/start` }, stackViewResponse);
  }

  removeStack(id: string): Promise<StackView> {
    return this.send({ method: 'DELETE', path: `/api/v1/stacks/${enc(id)}` }, stackViewResponse);
  }

  listHosts(): Promise<HostList> {
    return this.send({ method: 'GET', path: '/api/v1/hosts' }, hostListResponse);
  }

  drainHost(id: string): Promise<HostView> {
    return this.send({ method: 'POST', path: `/api/v1/hosts/${enc(id)}/drain` }, hostView);
  }

  listTasks(query: Partial<TaskListQuery> = {}): Promise<TaskPage> {
    return this.send({ method: 'GET', path: '/api/v1/tasks', query }, taskPageResponse);
  }

  taskStats(): Promise<TaskStats> {
    return this.send({ method: 'GET', path: '/api/v1/tasks/stats' }, taskStatsResponse);
  }

  retryTask(id: string): Promise<Task> {
    return this.send({ method: 'POST', path: `/api/v1/tasks/${enc(id)}/retry` }, agentTaskDocument);
  }

  cancelTask(id: string): Promise<Task> {
    return this.send({ method: 'POST', path: `/api/v1/tasks/${enc(id)}/cancel` }, agentTaskDocument);
  }

  /**
   * Live events (`GET /api/v1/events`, server-sent events) until `signal` aborts or the stream ends. With a
   * stack id the controller first replays that stack's recent events. Frames that are not a valid event are
   * skipped: a newer controller may send types this CLI does not know.
   */
  async *events(filter: { stackId?: string }, signal: AbortSignal): AsyncGenerator<DeploymentEvent> {
    const response = await this.open({ method: 'GET', path: '/api/v1/events', query: filter }, { accept: 'text/event-stream' }, signal, 0);
    if (response.statusCode !== 200) throw await errorOf(response, 'GET /api/v1/events');
    try {
      for await (const frame of readServerSentEvents(response.body)) {
        if (frame.data === undefined) continue;
        const parsed = deploymentEvent.safeParse(safeJson(frame.data));
        if (parsed.success) yield parsed.data;
      }
    } catch (error) {
      if (signal.aborted) return;
      throw unreachable(this.options.baseUrl, error);
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async send<T extends z.ZodType>(call: Call, schema: T): Promise<z.infer<T>> {
    const what = `${call.method} ${call.path}`;
    const response = await this.open(call, { accept: 'application/json' });
    if (response.statusCode >= 400) throw await errorOf(response, what);
    const text = await response.body.text();
    const parsed = schema.safeParse(safeJson(text));
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      const where = issue === undefined ? '' : ` (${issue.path.join('.') || 'body'}: ${issue.message})`;
      throw new CliError('protocol', `the controller's answer to ${what} is not what this CLI expects${where}; are the CLI and controller versions the same?`, {
        status: response.statusCode,
      });
    }
    return parsed.data;
  }

  private async open(call: Call, headers: Record<string, string>, signal?: AbortSignal, bodyTimeout?: number): Promise<Dispatcher.ResponseData> {
    const url = new URL(`${this.options.baseUrl}${call.path}`);
    for (const [key, value] of Object.entries(call.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const all: Record<string, string> = { ...headers, 'user-agent': 'graphium-cli' };
    if (this.options.token !== undefined) all.authorization = `Bearer ${this.options.token}`;
    if (call.body !== undefined) {
      all['content-type'] = call.body.contentType;
      if (call.body.filename !== undefined) all['content-disposition'] = `attachment; filename*=UTF-8''${enc(call.body.filename)}`;
    }
    try {
      return await request(url, {
        method: call.method,
        headers: all,
        body: call.body?.text,
        dispatcher: this.dispatcher,
        ...(signal === undefined ? {} : { signal }),
        ...(bodyTimeout === undefined ? {} : { bodyTimeout }),
      });
    } catch (error) {
      if (signal?.aborted === true) throw error;
      throw unreachable(this.options.baseUrl, error);
    }
  }
}

/** With variables the definition travels in a StackSubmission; without, as itself. */
function bodyOf(definition: DefinitionUpload): NonNullable<Call['body']> {
  if (Object.keys(definition.variables).length === 0) {
    return { contentType: definition.contentType, text: definition.text, filename: definition.filename };
  }
  const submission: StackSubmission = {
    definition: definition.text,
    contentType: definition.contentType,
    filename: definition.filename,
    variables: definition.variables,
  };
  return { contentType: STACK_SUBMISSION_TYPE, text: JSON.stringify(submission), filename: definition.filename };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function errorOf(response: Dispatcher.ResponseData, what: string): Promise<CliError> {
  const text = await response.body.text().catch(() => '');
  const parsed = errorResponse.safeParse(safeJson(text));
  if (!parsed.success) {
    const excerpt = text.trim().slice(0, 200);
    return new CliError('api', `${what} failed with HTTP ${response.statusCode}${excerpt === '' ? '' : `: ${excerpt}`}`, {
      status: response.statusCode,
    });
  }
  const { code, message, details } = parsed.data.error;
  return new CliError('api', message, { status: response.statusCode, code, details });
}

/** Node reports a refused connection as an AggregateError with an empty message; dig out the useful part. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const nested = error instanceof AggregateError ? (error.errors[0] as Error | undefined)?.message : undefined;
  const cause = error.cause instanceof Error ? reasonOf(error.cause) : undefined;
  return [error.message, nested, cause, code].find((part) => part !== undefined && part !== '') ?? error.name;
}

function unreachable(baseUrl: string, error: unknown): CliError {
  return new CliError('unreachable', `cannot reach the controller at ${baseUrl} (${reasonOf(error)}); is it running, and is --controller / GRAPHIUM_CONTROLLER right?`, {
    cause: error,
  });
}
