import type { ErrorCode } from '@graphium/shared';

/**
 * A failed call to the controller. `unreachable` (no answer, or a 5xx) is worth retrying after a back-off;
 * `rejected` carries the controller's error code, which decides what the agent does (re-register on
 * AGENT_SESSION_CONFLICT, drop the result on TASK_LEASE_LOST, stop on UNAUTHENTICATED).
 */
export class ControllerError extends Error {
  readonly kind: 'unreachable' | 'rejected';
  readonly status: number | undefined;
  readonly code: ErrorCode | undefined;

  constructor(kind: 'unreachable' | 'rejected', message: string, options: { status?: number; code?: ErrorCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ControllerError';
    this.kind = kind;
    this.status = options.status;
    this.code = options.code;
  }
}

export function isControllerError(error: unknown, code?: ErrorCode): error is ControllerError {
  return error instanceof ControllerError && (code === undefined || error.code === code);
}

export function isUnreachable(error: unknown): boolean {
  return error instanceof ControllerError && error.kind === 'unreachable';
}

/** The agent's credentials are wrong or do not cover this host: retrying cannot help. */
export function isFatal(error: unknown): boolean {
  return error instanceof ControllerError && (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN');
}
