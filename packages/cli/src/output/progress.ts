/**
 * Live progress of a stack operation. On a terminal a block of bars (the stack, then one line per container)
 * is redrawn in place; anywhere else (a pipe, CI logs) each change is printed once as a plain line.
 */
import type { ContainerStatus } from '@graphium/shared';
import type { StackView } from '../client.js';
import { bar } from './format.js';
import type { Io } from './io.js';
import { renderTable } from './table.js';

/** What the operation is heading for; it decides how far along each container status counts. */
export type Goal = 'running' | 'stopped' | 'deleted';

export interface ProgressView {
  /** The latest state; `undefined` once the stack is gone (deleted). */
  update(view: StackView | undefined): void;
  /** Leaves the last state on screen. */
  finish(): void;
}

const TOWARDS_RUNNING: Partial<Record<ContainerStatus, number>> = {
  pulling: 0.2,
  creating: 0.45,
  starting: 0.65,
  'waiting-for-health': 0.85,
  running: 1,
  healthy: 1,
  failed: 1,
};

function fractionOf(status: ContainerStatus, goal: Goal): number {
  if (goal === 'running') return TOWARDS_RUNNING[status] ?? 0;
  const done = goal === 'stopped' ? 'stopped' : 'removed';
  const busy = goal === 'stopped' ? 'stopping' : 'removing';
  return status === done || status === 'failed' ? 1 : status === busy ? 0.5 : 0;
}

export function progressView(io: Io, goal: Goal): ProgressView {
  return io.isTTY ? new TerminalProgress(io, goal) : new LineProgress(io);
}

class LineProgress implements ProgressView {
  private readonly seen = new Map<string, string>();

  constructor(private readonly io: Io) {}

  update(view: StackView | undefined): void {
    if (view === undefined) {
      this.once('stack', 'stack deleted');
      return;
    }
    const { stack, deployment } = view;
    for (const [name, placement] of Object.entries(deployment?.placements ?? {})) {
      const error = placement.error === undefined ? '' : `: ${placement.error.code}: ${placement.error.message}`;
      this.once(`container:${name}`, `  ${name} on ${placement.hostId}: ${placement.status}${error}`);
    }
    this.once('stack', `stack ${stack.name}: ${stack.status}${deployment === undefined ? '' : ` (${Math.round(deployment.progress)}%)`}`);
  }

  finish(): void {}

  /** Prints `line` unless the same thing was last said about `key`. */
  private once(key: string, line: string): void {
    if (this.seen.get(key) === line) return;
    this.seen.set(key, line);
    this.io.out(`${line}\n`);
  }
}

class TerminalProgress implements ProgressView {
  private drawnLines = 0;

  constructor(
    private readonly io: Io,
    private readonly goal: Goal,
  ) {}

  update(view: StackView | undefined): void {
    const block = view === undefined ? 'stack deleted\n' : this.render(view);
    // Up to the first line of the last drawing, then clear everything below it and draw anew.
    const rewind = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F\x1b[0J` : '';
    this.io.out(rewind + block);
    this.drawnLines = block.split('\n').length - 1;
  }

  finish(): void {}

  private render({ stack, deployment }: StackView): string {
    const progress = deployment?.progress ?? 0;
    const header = `stack ${stack.name}  ${stack.status}  ${bar(progress / 100, 30)} ${Math.round(progress)}%\n`;
    const rows = Object.entries(deployment?.placements ?? {}).map(([name, p]) => [
      `  ${name}`,
      p.hostId,
      p.status,
      p.status === 'failed' ? `✗ ${p.error?.message ?? ''}` : bar(fractionOf(p.status, this.goal), 20),
    ]);
    return rows.length === 0 ? header : header + renderTable(['  container', 'host', 'status', ''], rows);
  }
}
