/**
 * Turns what dockerode throws into a DockerError. The Engine API answers with an HTTP status and a message,
 * never a code, so this is the one place in Graphium that reads Docker's message text; everything past the
 * port branches on the kind.
 */
import { DockerError, type DockerErrorKind } from './port.js';

/** The operation that failed: the same status means different things for different calls. */
export type DockerOperation =
  | 'info'
  | 'inspect'
  | 'pull'
  | 'create'
  | 'start'
  | 'stop'
  | 'restart'
  | 'remove'
  | 'list'
  | 'logs'
  | 'network';

interface RawDockerError {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: unknown;
  reason?: string;
}

const TRANSPORT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOENT', // the socket file is missing: no daemon
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EACCES',
]);

const PORT_TAKEN = /port is already allocated|address already in use|bind: .*in use/i;
// The engine accepted the container but its process cannot start: a spec problem, not a daemon hiccup.
const CANNOT_EXEC = /executable file not found|no such file or directory|permission denied|not a directory/i;
const NO_SUCH_IMAGE = /no such image|image .* not found|pull access denied|manifest unknown|repository does not exist/i;

/** Docker's own message: `json.message` when it sent one, else the modem's text. */
export function dockerMessage(error: unknown): string {
  const raw = (error ?? {}) as RawDockerError;
  const json = raw.json as { message?: unknown } | undefined;
  if (json !== null && typeof json === 'object' && typeof json.message === 'string') return json.message;
  if (typeof raw.json === 'string' && raw.json.trim() !== '') return raw.json.trim();
  return raw.message ?? String(error);
}

function kindOf(status: number | undefined, message: string, operation: DockerOperation): DockerErrorKind {
  if (operation === 'pull') {
    // Any refusal the daemon sends back while pulling means the image cannot be had on this host.
    return status !== undefined && status >= 400 ? 'image-not-found' : 'unavailable';
  }
  switch (status) {
    case 404:
      return operation === 'create' && NO_SUCH_IMAGE.test(message) ? 'image-not-found' : 'not-found';
    case 409:
      return 'conflict';
    case 400:
      return PORT_TAKEN.test(message) ? 'port-in-use' : 'invalid';
    default:
      if (PORT_TAKEN.test(message)) return 'port-in-use';
      if ((operation === 'start' || operation === 'restart') && CANNOT_EXEC.test(message)) return 'invalid';
      return 'unavailable';
  }
}

export function toDockerError(error: unknown, operation: DockerOperation, subject: string): DockerError {
  if (error instanceof DockerError) return error;
  const raw = (error ?? {}) as RawDockerError;
  const message = dockerMessage(error);
  if (raw.statusCode === undefined && raw.code !== undefined && TRANSPORT_CODES.has(raw.code)) {
    return new DockerError('unavailable', `Docker engine unreachable (${raw.code}) during ${operation} of ${subject}: ${message}`, {
      cause: error,
    });
  }
  const kind = kindOf(raw.statusCode, message, operation);
  return new DockerError(kind, `${operation} ${subject}: ${message}`, {
    cause: error,
    ...(raw.statusCode === undefined ? {} : { statusCode: raw.statusCode }),
  });
}

export function statusCodeOf(error: unknown): number | undefined {
  return ((error ?? {}) as RawDockerError).statusCode;
}
