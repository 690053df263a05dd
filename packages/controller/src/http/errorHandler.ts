/**
 * The one place where an error becomes an HTTP answer: `{error: {code, message, details}}` with the status
 * from the shared code → status table. AppErrors pass through; what the body parsers and the router raise
 * for bad input is turned into its code here (never a 500 for something a client sent); a store that
 * answers 5xx is 503; everything else is 500 INTERNAL, logged with the request id and not described to the
 * client.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, isAppError } from '@graphium/shared';
import type { NextFunction, Request, Response } from 'express';
import { answerJson } from './answerJson.js';
import type { RequestScope } from './locals.js';

interface HttpishError {
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
  limit?: unknown;
  scope?: unknown;
  message?: unknown;
}

function fieldsOf(error: unknown): HttpishError {
  return typeof error === 'object' && error !== null ? (error as HttpishError) : {};
}

/** Errors raised by body-parser (express.json / express.text), keyed by their `type`. */
function fromBodyParser(e: HttpishError, cause: unknown): AppError | undefined {
  switch (e.type) {
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', `request body is larger than the limit of ${String(e.limit)} bytes`, {
        details: { limitBytes: e.limit },
        cause,
      });
    case 'entity.parse.failed':
      return new AppError('BAD_REQUEST', `request body is not valid JSON: ${String(e.message)}`, { cause });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', String(e.message), { cause });
    case 'request.aborted':
    case 'request.size.invalid':
      return new AppError('BAD_REQUEST', String(e.message), { cause });
    default:
      return undefined;
  }
}

/**
 * Client errors the framework raised with a 4xx status (http-errors, or the router's URIError for a path
 * with broken %-encoding, which carries `status: 400` but no `expose`).
 */
function fromClientStatus(e: HttpishError, cause: unknown): AppError | undefined {
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (status === undefined || status < 400 || status > 499) return undefined;
  const code = status === 404 ? 'NOT_FOUND' : status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
  return new AppError(code, String(e.message), { cause });
}

/** nano's error for a store that answered 5xx. */
function fromStore(e: HttpishError, cause: unknown): AppError | undefined {
  if (e.scope !== 'couch' || typeof e.statusCode !== 'number' || e.statusCode < 500) return undefined;
  return new AppError('STORE_UNAVAILABLE', 'the document store did not answer; try again shortly', { cause });
}

export function toAppError(error: unknown): AppError | undefined {
  if (isAppError(error)) return error;
  const fields = fieldsOf(error);
  return fromBodyParser(fields, error) ?? fromClientStatus(fields, error) ?? fromStore(fields, error);
}

/**
 * Answers `error` on `res`: the shared answer of express's error handler and the agent lane. `url` is the
 * request's full URL, for the log line of a 500.
 */
export function answerError(error: unknown, req: IncomingMessage, url: string, res: ServerResponse, scope: RequestScope): void {
  const known = toAppError(error);
  const appError = known ?? new AppError('INTERNAL', `internal error; quote request id ${scope.reqId} to the operator`);
  if (known === undefined || appError.status >= 500) {
    scope.log.error({ event: 'http.error', err: error, method: req.method, url, code: appError.code });
  } else {
    scope.log.debug({ event: 'http.client_error', code: appError.code, message: appError.message });
  }
  if (res.headersSent) {
    // A stream (events, a long answer) already started: the only honest signal left is to cut it.
    res.destroy();
    return;
  }
  if (appError.code === 'UNAUTHENTICATED' && !res.hasHeader('www-authenticate')) {
    res.setHeader('www-authenticate', 'Bearer realm="graphium"');
  }
  if (appError.status === 503) res.setHeader('retry-after', '5');
  answerJson(res, appError.status, appError.toBody());
}

export function errorHandler() {
  // Express recognises an error handler by its four parameters.
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    answerError(error, req, req.originalUrl, res, res.locals);
  };
}

/** Last of all routes: nothing matched the path. */
export function notFound(req: Request): never {
  throw new AppError('NOT_FOUND', `no route ${req.method} ${req.path}`);
}
