/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas the routes validate with
 * (zod 4's JSON Schema output, draft 2020-12, which OpenAPI 3.1 speaks natively). Only the list of
 * operations below is written by hand, and a test holds it and the express router to each other: every
 * documented operation is served, every served route is documented.
 *
 * Request bodies are rendered as zod's *input* (defaults optional), responses as its *output*.
 */
import {
  agentTaskDocument,
  agentTaskListQuery,
  claimQuery,
  claimRequest,
  claimResponse,
  createTaskRequest,
  createTokenRequest,
  createTokenResponse,
  deploymentEvent,
  deployStackResponse,
  errorResponse,
  eventHistoryQuery,
  eventListResponse,
  eventStreamQuery,
  healthResponse,
  heartbeatRequest,
  hostListResponse,
  hostView,
  planPreviewResponse,
  registerAgentRequest,
  registerAgentResponse,
  STACK_SUBMISSION_TYPE,
  stackListQuery,
  stackPageResponse,
  stackSubmission,
  stackViewResponse,
  taskListQuery,
  taskPageResponse,
  taskStatsResponse,
  taskStatusUpdate,
} from '@graphium/shared';
import { z } from 'zod';
import { DEFINITION_TYPES } from './http/bodies.js';

type Method = 'get' | 'post' | 'put' | 'delete';
type Access = 'public' | 'any' | 'user' | 'admin' | 'agent' | 'agent-of-host';

export interface Operation {
  method: Method;
  /** Express path template (`/api/v1/tasks/:id`). */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  query?: z.ZodObject;
  /** A JSON body (its zod schema), or the stack definition in one of several formats. */
  body?: z.ZodType | 'stack-definition';
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  /** Error statuses beyond those every operation of its kind may return. */
  errors?: number[];
}

const task = { description: 'The task', schema: agentTaskDocument };
const stackView = { description: 'The stack and its deployment state', schema: stackViewResponse };
const host = { description: 'The host', schema: hostView };

export const OPERATIONS: readonly Operation[] = [
  // Stacks
  { method: 'post', path: '/api/v1/stacks', tag: 'stacks', access: 'user', summary: 'Deploy (or redeploy) a stack', body: 'stack-definition', responses: { 202: { description: 'Accepted: tasks created; `Location` names the stack', schema: deployStackResponse } }, errors: [409, 422] },
  { method: 'post', path: '/api/v1/stacks/plan', tag: 'stacks', access: 'user', summary: 'Plan a stack without deploying it (dry run)', body: 'stack-definition', responses: { 200: { description: 'The placement and its explanation', schema: planPreviewResponse } }, errors: [422] },
  { method: 'get', path: '/api/v1/stacks', tag: 'stacks', access: 'user', summary: 'List stacks by name', query: stackListQuery, responses: { 200: { description: 'One page of stacks', schema: stackPageResponse } } },
  { method: 'get', path: '/api/v1/stacks/:id', tag: 'stacks', access: 'user', summary: 'A stack with its deployment state (id `stack:web` or name `web`)', responses: { 200: stackView }, errors: [404] },
  { method: 'post', path: '/api/v1/stacks/:id/stop', tag: 'stacks', access: 'user', summary: 'Stop every container of a stack', responses: { 202: stackView }, errors: [404, 409] },
  { method: 'post', path: '/api/v1/stacks/:id/start', tag: 'stacks', access: 'user', summary: 'Start a stopped stack', responses: { 202: stackView }, errors: [404, 409] },
  { method: 'delete', path: '/api/v1/stacks/:id', tag: 'stacks', access: 'user', summary: 'Remove a stack: its containers, then its metadata', responses: { 202: stackView }, errors: [404, 409] },
  // Tasks
  { method: 'get', path: '/api/v1/tasks', tag: 'tasks', access: 'user', summary: 'List tasks', query: taskListQuery, responses: { 200: { description: 'One page of tasks', schema: taskPageResponse } } },
  { method: 'post', path: '/api/v1/tasks', tag: 'tasks', access: 'user', summary: 'Create a task by hand (stop, start, restart or remove one container)', body: createTaskRequest, responses: { 201: { description: 'The new task; `Location` names it', schema: agentTaskDocument } }, errors: [409] },
  { method: 'get', path: '/api/v1/tasks/stats', tag: 'tasks', access: 'user', summary: 'Task counts by status, type and host', responses: { 200: { description: 'Counts', schema: taskStatsResponse } } },
  { method: 'get', path: '/api/v1/tasks/:id', tag: 'tasks', access: 'user', summary: 'One task', responses: { 200: task }, errors: [404] },
  { method: 'post', path: '/api/v1/tasks/:id/retry', tag: 'tasks', access: 'user', summary: 'Retry a failed or cancelled task', responses: { 200: task }, errors: [404, 409] },
  { method: 'post', path: '/api/v1/tasks/:id/cancel', tag: 'tasks', access: 'user', summary: 'Cancel an unfinished task', responses: { 200: task }, errors: [404, 409] },
  { method: 'put', path: '/api/v1/tasks/:id/status', tag: 'agents', access: 'agent', summary: 'Report progress, completion, failure or release of a claimed task (proves the lease)', body: taskStatusUpdate, responses: { 200: task }, errors: [404, 409] },
  // Agents
  { method: 'post', path: '/api/v1/agents/:hostId/register', tag: 'agents', access: 'agent-of-host', summary: 'Register the host and start a new agent session', body: registerAgentRequest, responses: { 200: { description: 'The new session', schema: registerAgentResponse } } },
  { method: 'post', path: '/api/v1/agents/:hostId/heartbeat', tag: 'agents', access: 'agent-of-host', summary: 'Report live load (every 10 s)', body: heartbeatRequest, responses: { 200: host }, errors: [409] },
  { method: 'post', path: '/api/v1/agents/:hostId/tasks/claim', tag: 'agents', access: 'agent-of-host', summary: 'Claim claimable tasks of the host; long-polls up to `wait` seconds when there are none', query: claimQuery, body: claimRequest, responses: { 200: { description: 'Claimed tasks (possibly none)', schema: claimResponse } }, errors: [409] },
  { method: 'get', path: '/api/v1/agents/:hostId/tasks', tag: 'agents', access: 'agent-of-host', summary: 'List the host\'s tasks without claiming', query: agentTaskListQuery, responses: { 200: { description: 'One page of tasks', schema: taskPageResponse } } },
  // Hosts
  { method: 'get', path: '/api/v1/hosts', tag: 'hosts', access: 'user', summary: 'List hosts', responses: { 200: { description: 'Every host', schema: hostListResponse } } },
  { method: 'get', path: '/api/v1/hosts/:id', tag: 'hosts', access: 'user', summary: 'One host', responses: { 200: host }, errors: [404] },
  { method: 'post', path: '/api/v1/hosts/:id/drain', tag: 'hosts', access: 'user', summary: 'Drain a host: no new containers are placed on it', responses: { 200: host }, errors: [404] },
  // Events
  { method: 'get', path: '/api/v1/events', tag: 'events', access: 'user', summary: 'Live events as server-sent events (`id`, `event` = type, `data` = the event); replays recent ones for `stackId` or after `Last-Event-ID`', query: eventStreamQuery, responses: { 200: { description: 'An endless text/event-stream', contentType: 'text/event-stream', schema: deploymentEvent } } },
  { method: 'get', path: '/api/v1/events/history', tag: 'events', access: 'user', summary: 'The most recent stored events, oldest first', query: eventHistoryQuery, responses: { 200: { description: 'Events', schema: eventListResponse } } },
  // Tokens and meta
  { method: 'post', path: '/api/v1/tokens', tag: 'tokens', access: 'admin', summary: 'Mint a user token, or an agent token bound to one host; the token is shown once', body: createTokenRequest, responses: { 201: { description: 'The token (only its hash is kept)', schema: createTokenResponse } } },
  { method: 'get', path: '/api/v1/openapi.json', tag: 'meta', access: 'any', summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1' } } },
  { method: 'get', path: '/metrics', tag: 'meta', access: 'public', summary: 'Prometheus metrics (a token is required when the operator configures it)', responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } } },
  { method: 'get', path: '/healthz', tag: 'meta', access: 'public', summary: 'Whether this replica reaches its store', responses: { 200: { description: 'Healthy', schema: healthResponse }, 503: { description: 'The store does not answer', schema: healthResponse } } },
];

const ACCESS_TEXT: Record<Access, string> = {
  public: 'No token needed.',
  any: 'Any valid token.',
  user: 'A user or admin token.',
  admin: 'An admin token.',
  agent: 'An agent token; the task must belong to the token\'s host (else 403).',
  'agent-of-host': 'The agent token bound to `hostId` (403 for another host, for user and admin tokens).',
};

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed request (bad JSON, bad query string)',
  401: 'Missing or unknown bearer token',
  403: 'The token may not do this',
  404: 'Not found',
  409: 'Conflict (concurrent change, lost lease, replaced agent session, wrong state)',
  413: 'Body larger than the limit',
  415: 'Unsupported content type',
  422: 'Well-formed but invalid (every issue with its path)',
  500: 'Internal error (logged with the request id)',
  503: 'The store does not answer, or the server is shutting down',
};

/** Schemas that get a name under components (and a `$ref` wherever they appear). */
const REQUEST_COMPONENTS: Record<string, z.ZodType> = {
  RegisterAgentRequest: registerAgentRequest,
  HeartbeatRequest: heartbeatRequest,
  ClaimRequest: claimRequest,
  TaskStatusUpdate: taskStatusUpdate,
  CreateTaskRequest: createTaskRequest,
  CreateTokenRequest: createTokenRequest,
  StackSubmission: stackSubmission,
};

const RESPONSE_COMPONENTS: Record<string, z.ZodType> = {
  Error: errorResponse,
  AgentTask: agentTaskDocument,
  DeploymentEvent: deploymentEvent,
  Host: hostView,
  DeployStackResponse: deployStackResponse,
  PlanPreview: planPreviewResponse,
  StackView: stackViewResponse,
  StackPage: stackPageResponse,
  TaskPage: taskPageResponse,
  TaskStats: taskStatsResponse,
  RegisterAgentResponse: registerAgentResponse,
  ClaimResponse: claimResponse,
  HostList: hostListResponse,
  EventList: eventListResponse,
  CreateTokenResponse: createTokenResponse,
  Health: healthResponse,
};

type JsonSchema = Record<string, unknown>;
const COMPONENT_URI = (id: string): string => `#/components/schemas/${id}`;

function componentSchemas(named: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io, unrepresentable: 'any', uri: COMPONENT_URI });
  // Components carry no `$schema`/`$id` of their own: the document's dialect applies and refs use the URI above.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
      return [id, rest];
    }),
  );
}

function refOrInline(schema: z.ZodType, named: Record<string, z.ZodType>, io: 'input' | 'output'): JsonSchema {
  const name = Object.entries(named).find(([, s]) => s === schema)?.[0];
  if (name !== undefined) return { $ref: COMPONENT_URI(name) };
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

function parametersOf(operation: Operation): JsonSchema[] {
  const inPath = [...operation.path.matchAll(/:(\w+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const query = operation.query === undefined ? {} : refOrInline(operation.query, {}, 'input');
  const properties = (query.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((query.required ?? []) as string[]);
  const inQuery = Object.entries(properties).map(([name, schema]) => ({ name, in: 'query', required: required.has(name), schema }));
  const headers = operation.path === '/api/v1/events' ? [{ name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } }] : [];
  return [...inPath, ...inQuery, ...headers];
}

function requestBodyOf(body: Operation['body']): JsonSchema | undefined {
  if (body === undefined) return undefined;
  if (body === 'stack-definition') {
    const text = { type: 'string', description: 'Graphium JSON-LD, EVE ItemList or compose YAML (see docs/stack-format.md)' };
    return {
      required: true,
      description:
        'The stack definition as written; a `Content-Disposition` filename helps tell formats apart. ' +
        `Or, as \`${STACK_SUBMISSION_TYPE}\`, the definition text with its filename and the values of the compose variables it uses.`,
      content: {
        ...Object.fromEntries(DEFINITION_TYPES.filter((t) => !t.includes('*')).map((t) => [t, { schema: t.endsWith('json') ? { type: 'object' } : text }])),
        [STACK_SUBMISSION_TYPE]: { schema: refOrInline(stackSubmission, REQUEST_COMPONENTS, 'input') },
      },
    };
  }
  return { required: true, content: { 'application/json': { schema: refOrInline(body, REQUEST_COMPONENTS, 'input') } } };
}

function responsesOf(operation: Operation): JsonSchema {
  const responses: JsonSchema = {};
  for (const [status, response] of Object.entries(operation.responses)) {
    const contentType = response.contentType ?? 'application/json';
    const schema = response.schema === undefined ? {} : refOrInline(response.schema, RESPONSE_COMPONENTS, 'output');
    responses[status] = { description: response.description, content: { [contentType]: { schema } } };
  }
  const errors = new Set(operation.errors ?? []);
  if (operation.access !== 'public') [401, 403, 500, 503].forEach((s) => errors.add(s));
  if (operation.query !== undefined) errors.add(400);
  if (operation.body !== undefined) [400, 413, 415, 422].forEach((s) => errors.add(s));
  for (const status of [...errors].sort()) {
    responses[String(status)] ??= {
      description: ERROR_TEXT[status] ?? 'Error',
      content: { 'application/json': { schema: { $ref: COMPONENT_URI('Error') } } },
    };
  }
  return responses;
}

export function buildOpenApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of OPERATIONS) {
    const path = (paths[openApiPath(operation.path)] ??= {});
    const parameters = parametersOf(operation);
    const requestBody = requestBodyOf(operation.body);
    path[operation.method] = {
      operationId: `${operation.method}${openApiPath(operation.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: operation.summary,
      description: ACCESS_TEXT[operation.access],
      tags: [operation.tag],
      ...(operation.access === 'public' ? { security: [] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(requestBody === undefined ? {} : { requestBody }),
      responses: responsesOf(operation),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Graphium controller API',
      version: '1',
      description: 'Deploy multi-container stacks across Docker hosts. Errors always have the shape `{error: {code, message, details}}`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: ['stacks', 'tasks', 'hosts', 'events', 'agents', 'tokens', 'meta'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'gra_… admin, gru_… user, grh_… agent (bound to one host)' } },
      schemas: { ...componentSchemas(RESPONSE_COMPONENTS, 'output'), ...componentSchemas(REQUEST_COMPONENTS, 'input') },
    },
  };
}
