/**
 * The closed catalogue of error codes. One table maps each code to its HTTP status, so the controller's
 * single error handler, the CLI and the agent all agree; nobody branches on message text.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  TASK_LEASE_LOST: 409,
  TASK_NOT_CLAIMABLE: 409,
  AGENT_SESSION_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNKNOWN_FORMAT: 422,
  VALIDATION_FAILED: 422,
  PLACEMENT_UNSATISFIABLE: 422,
  STORE_UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
  INTERNAL: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

/** One problem found in input, located by its JSON path (`hasPart[2].ports[0].hostPort`). */
export interface Issue {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  details?: unknown;
  cause?: unknown;
}

/** The one error type that crosses module boundaries. `code` decides the HTTP status, never the message. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
  }

  get status(): number {
    return httpStatusOf(this.code);
  }

  /** The wire shape `{error: {code, message, details}}` every API error uses. */
  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/**
 * Codes an agent reports when a task fails. `retryable: false` marks a permanent error: the queue fails the
 * task at once instead of retrying it (a malformed image will not get better by waiting).
 */
export const TASK_ERROR_RETRYABLE = {
  IMAGE_INVALID: false,
  IMAGE_NOT_FOUND: false,
  SPEC_INVALID: false,
  POLICY_REFUSED: false,
  PORT_CONFLICT: false,
  HEALTHCHECK_FAILED: true,
  CONTAINER_EXITED: true,
  DOCKER_UNAVAILABLE: true,
  DEPENDENCY_FAILED: false,
  TIMEOUT: true,
  LEASE_EXPIRED: true,
  CANCELLED: false,
  INTERNAL: true,
} as const satisfies Record<string, boolean>;

export type TaskErrorCode = keyof typeof TASK_ERROR_RETRYABLE;

export const TASK_ERROR_CODES = Object.keys(TASK_ERROR_RETRYABLE) as TaskErrorCode[];
