/**
 * The agent's typed HTTP client for the controller's agent API (DESIGN.md §9), over undici with one
 * keep-alive pool. Requests and responses are the shared zod schemas, so both ends hold one contract.
 * The agent only ever connects outwards.
 */
import {
  errorResponse,
  registerAgentResponse,
  type ClaimRequest,
  type ErrorCode,
  type HeartbeatRequest,
  type RegisterAgentRequest,
  type RegisterAgentResponse,
  type TaskStatusUpdate,
} from '@graphium/shared';
import { Agent, request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { ControllerError } from './controllerError.js';

export interface ControllerClientOptions {
  /** `http://ctl:8095` (a path prefix is kept). */
  baseUrl: string;
  token: string;
  hostId: string;
  /** Bound of every call but the long-poll. Default 15 s. */
  requestTimeoutMs?: number;
  dispatcher?: Dispatcher;
}

/** Tasks are parsed one by one by the caller, so one malformed task cannot hide the others. */
const rawClaimResponse = z.object({ tasks: z.array(z.unknown()) });

export class ControllerClient {
  private readonly base: string;
  private readonly hostPath: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeoutMs: number;
  private readonly authorization: string;

  constructor(options: ControllerClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.hostPath = `/api/v1/agents/${encodeURIComponent(options.hostId)}`;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 60_000, connect: { timeout: 5_000 } });
    this.timeoutMs = options.requestTimeoutMs ?? 15_000;
    this.authorization = `Bearer ${options.token}`;
  }

  async register(body: RegisterAgentRequest): Promise<RegisterAgentResponse> {
    const response = await this.call('POST', `${this.hostPath}/register`, body);
    return this.parse(registerAgentResponse, response, 'register');
  }

  async heartbeat(body: HeartbeatRequest): Promise<void> {
    await this.call('POST', `${this.hostPath}/heartbeat`, body);
  }

  /** Long-poll: answers when tasks are claimable or after `waitSeconds`. */
  async claim(body: ClaimRequest, waitSeconds: number, signal?: AbortSignal): Promise<unknown[]> {
    const timeoutMs = this.timeoutMs + waitSeconds * 1000;
    const response = await this.call('POST', `${this.hostPath}/tasks/claim?wait=${waitSeconds}`, body, { timeoutMs, signal });
    return this.parse(rawClaimResponse, response, 'claim').tasks;
  }

  async report(taskId: string, update: TaskStatusUpdate): Promise<void> {
    await this.call('PUT', `/api/v1/tasks/${encodeURIComponent(taskId)}/status`, update);
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private parse<T extends z.ZodType>(schema: T, body: unknown, what: string): z.infer<T> {
    const result = schema.safeParse(body);
    if (!result.success) {
      throw new ControllerError('rejected', `the controller's ${what} answer does not match the agent API: ${result.error.message}`, {
        code: 'BAD_REQUEST',
      });
    }
    return result.data;
  }

  private async call(
    method: 'POST' | 'PUT',
    path: string,
    body: unknown,
    options: { timeoutMs?: number; signal?: AbortSignal | undefined } = {},
  ): Promise<unknown> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(`${this.base}${path}`, {
        method,
        dispatcher: this.dispatcher,
        headers: { authorization: this.authorization, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
    } catch (error) {
      if (options.signal?.aborted === true) throw error; // the caller's own abort, not an outage
      throw new ControllerError('unreachable', `controller unreachable: ${(error as Error).message}`, { cause: error });
    }
    const text = await response.body.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (response.statusCode < 400) return json;
    const parsed = errorResponse.safeParse(json);
    const code = parsed.success ? (parsed.data.error.code as ErrorCode) : undefined;
    const message = parsed.success ? parsed.data.error.message : text.slice(0, 200);
    const kind = response.statusCode >= 500 || response.statusCode === 429 ? 'unreachable' : 'rejected';
    throw new ControllerError(kind, `${method} ${path} → ${response.statusCode}${code === undefined ? '' : ` ${code}`}: ${message}`, {
      status: response.statusCode,
      ...(code === undefined ? {} : { code }),
    });
  }
}
