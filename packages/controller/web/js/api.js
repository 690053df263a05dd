/**
 * The public HTTP API with the user's bearer token — the same routes and auth as the CLI and automation.
 * Errors come back as ApiError carrying the API's `{error: {code, message, details}}`.
 */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function createApi({ token, onUnauthorized }) {
  async function request(method, path, { query, body, headers = {}, signal } = {}) {
    const url = new URL(path, window.location.origin);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
    }
    let response;
    try {
      response = await fetch(url, {
        method,
        headers: { accept: 'application/json', authorization: `Bearer ${token()}`, ...headers },
        body,
        signal,
        cache: 'no-store',
      });
    } catch (error) {
      if (error?.name === 'AbortError') throw error;
      throw new ApiError(0, 'UNREACHABLE', 'the controller cannot be reached; retrying when it is back', undefined);
    }
    const text = await response.text();
    let data;
    try {
      data = text === '' ? undefined : JSON.parse(text);
    } catch {
      data = undefined;
    }
    if (!response.ok) {
      const error = data?.error;
      if (response.status === 401) onUnauthorized?.();
      throw new ApiError(response.status, error?.code ?? 'HTTP_' + response.status, error?.message ?? `HTTP ${response.status}`, error?.details);
    }
    return data;
  }

  const id = (value) => encodeURIComponent(value);
  return {
    request,
    listStacks: (query) => request('GET', '/api/v1/stacks', { query }),
    getStack: (stackId) => request('GET', `/api/v1/stacks/${id(stackId)}`),
    stackAction: (stackId, action) => request('POST', `/api/v1/stacks/${id(stackId)}/${action}`),
    deleteStack: (stackId) => request('DELETE', `/api/v1/stacks/${id(stackId)}`),
    planStack: (definition) => request('POST', '/api/v1/stacks/plan', definitionRequest(definition)),
    deployStack: (definition) => request('POST', '/api/v1/stacks', definitionRequest(definition)),
    listHosts: () => request('GET', '/api/v1/hosts'),
    drainHost: (hostId) => request('POST', `/api/v1/hosts/${id(hostId)}/drain`),
    listTasks: (query) => request('GET', '/api/v1/tasks', { query }),
    taskStats: () => request('GET', '/api/v1/tasks/stats'),
    taskAction: (taskId, action) => request('POST', `/api/v1/tasks/${id(taskId)}/${action}`),
    eventHistory: (query) => request('GET', '/api/v1/events/history', { query }),
  };
}

/** A definition as the API takes it: the text, its media type, and the file name when one was uploaded. */
function definitionRequest({ text, format, filename }) {
  const json = format === 'jsonld' || format === 'eve' || (format === 'auto' && /^\s*[[{]/.test(text));
  const headers = { 'content-type': json ? 'application/json' : 'application/yaml' };
  if (filename) headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`;
  return { body: text, headers };
}
