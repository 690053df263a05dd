/**
 * How an executor fails: a TaskFailure carries a task error code from the shared catalogue, and whether it
 * is worth retrying comes from that catalogue (TASK_ERROR_RETRYABLE), never from the executor's opinion.
 */
import { TASK_ERROR_RETRYABLE, type TaskError, type TaskErrorCode } from '@graphium/shared';
import { isDockerError, type DockerErrorKind } from '../docker/port.js';

export class TaskFailure extends Error {
  readonly code: TaskErrorCode;
  readonly logs: string[] | undefined;

  constructor(code: TaskErrorCode, message: string, options: { cause?: unknown; logs?: string[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TaskFailure';
    this.code = code;
    this.logs = options.logs;
  }

  get retryable(): boolean {
    return TASK_ERROR_RETRYABLE[this.code];
  }

  toTaskError(): TaskError {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.logs === undefined || this.logs.length === 0 ? {} : { logs: this.logs }),
    };
  }
}

const CODE_OF_KIND: Record<DockerErrorKind, TaskErrorCode> = {
  unavailable: 'DOCKER_UNAVAILABLE',
  'image-not-found': 'IMAGE_NOT_FOUND',
  'port-in-use': 'PORT_CONFLICT',
  invalid: 'SPEC_INVALID',
  // A name taken or a container gone between two of our own calls: a race that a retry resolves.
  conflict: 'INTERNAL',
  'not-found': 'INTERNAL',
};

/** Any error an executor meets, as a TaskFailure. An abort by the task's timeout becomes TIMEOUT. */
export function asTaskFailure(error: unknown, signal?: AbortSignal): TaskFailure {
  if (error instanceof TaskFailure) return error;
  if (signal?.aborted === true) {
    const reason: unknown = signal.reason;
    if (reason instanceof TaskFailure) return reason;
    if (reason instanceof Error && reason.name === 'TimeoutError') {
      return new TaskFailure('TIMEOUT', 'the task ran out of time', { cause: error });
    }
    return new TaskFailure('CANCELLED', `the task was interrupted: ${String((reason as Error | undefined)?.message ?? reason)}`, {
      cause: error,
    });
  }
  if (isDockerError(error)) return new TaskFailure(CODE_OF_KIND[error.kind], error.message, { cause: error });
  return new TaskFailure('INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
}
