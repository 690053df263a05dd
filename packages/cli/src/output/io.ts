/** Where a command writes. Commands never touch `process.stdout` themselves, so tests can capture them. */
export interface Io {
  /** Results: tables, JSON, progress. */
  out(text: string): void;
  /** Errors and warnings. */
  err(text: string): void;
  /** Whether `out` is a terminal: progress redraws in place there, and prints plain lines otherwise. */
  readonly isTTY: boolean;
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
  };
}
