/**
 * Every way a command can end badly, each with its own exit code, so scripts can tell "you typed it wrong"
 * from "the controller said no" from "the deploy itself failed". One class, a closed set of kinds, one table
 * from kind to exit code (STYLE.md rule 11).
 */

export const EXIT_CODES = {
  /** The operation ran and ended in failure: a deploy whose container failed, a stop that errored. */
  failed: 1,
  /** Bad flags, arguments, config or input file, found before talking to the controller. */
  usage: 2,
  /** The controller answered with an error (`{error: {code, message, details}}`). */
  api: 3,
  /** The controller answered something that is not the API's documented shape. */
  protocol: 3,
  /** No answer at all: wrong address, controller down, network trouble. */
  unreachable: 4,
  /** `--wait` gave up before the operation finished. */
  timeout: 5,
} as const;

export type CliErrorKind = keyof typeof EXIT_CODES;

export interface CliErrorOptions {
  /** HTTP status of an API error. */
  status?: number | undefined;
  /** The API's error code (`NOT_FOUND`, `VALIDATION_FAILED`, …). */
  code?: string | undefined;
  details?: unknown;
  cause?: unknown;
}

export class CliError extends Error {
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly details: unknown;

  constructor(
    readonly kind: CliErrorKind,
    message: string,
    options: CliErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.status = options.status;
    this.code = options.code;
    this.details = options.details;
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

export function usageError(message: string): CliError {
  return new CliError('usage', message);
}
