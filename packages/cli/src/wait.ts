/**
 * Waiting for a stack to reach a goal (running, stopped, deleted). The stack document is the truth and is
 * read with GET /api/v1/stacks/:id; the live event stream only says *when* to read it again, so a lost or
 * refused stream costs latency (polling continues), never correctness.
 */
import type { GraphiumClient, StackView } from './client.js';
import { CliError } from './errors.js';
import type { Goal } from './output/progress.js';

export interface WaitOptions {
  goal: Goal;
  timeoutMs: number;
  /** How often to read the stack when no event arrives. Default 2000 ms. */
  pollMs?: number;
  onUpdate?: (view: StackView | undefined) => void;
}

export type WaitOutcome = { ok: true; view: StackView | undefined } | { ok: false; view: StackView | undefined; reason: string };

export async function waitForStack(client: GraphiumClient, stackId: string, options: WaitOptions): Promise<WaitOutcome> {
  const pollMs = options.pollMs ?? 2000;
  const deadline = Date.now() + options.timeoutMs;
  const stream = new AbortController();
  let dirty = false;
  let wake = (): void => undefined;
  const following = follow(client, stackId, stream.signal, () => {
    dirty = true;
    wake();
  });
  try {
    for (;;) {
      dirty = false;
      const view = await client.findStack(stackId);
      options.onUpdate?.(view);
      const outcome = outcomeOf(options.goal, view);
      if (outcome !== undefined) return outcome;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new CliError('timeout', `gave up waiting after ${Math.round(options.timeoutMs / 1000)}s: stack ${stackId} is ${view?.stack.status ?? 'gone'}, not yet ${options.goal}; it carries on without the CLI`);
      }
      if (!dirty) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(pollMs, remaining));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      wake = () => undefined;
    }
  } finally {
    stream.abort();
    await following;
  }
}

/** Calls `onEvent` for every live event of the stack until aborted; a broken stream just ends (polling goes on). */
async function follow(client: GraphiumClient, stackId: string, signal: AbortSignal, onEvent: () => void): Promise<void> {
  try {
    for await (const _event of client.events({ stackId }, signal)) onEvent();
  } catch {
    // Polling carries on; the stream was only ever a wake-up.
  }
}

export function outcomeOf(goal: Goal, view: StackView | undefined): WaitOutcome | undefined {
  if (view === undefined) {
    return goal === 'deleted' ? { ok: true, view } : { ok: false, view, reason: 'the stack was deleted' };
  }
  const { status } = view.stack;
  if (status === 'error' || (status === 'degraded' && goal === 'running')) return { ok: false, view, reason: failureOf(view) };
  if (goal === 'running' && status === 'running') return { ok: true, view };
  if (goal === 'stopped' && status === 'stopped') return { ok: true, view };
  if (goal === 'running' && status === 'stopped') return { ok: false, view, reason: `stack ${view.stack.name} was stopped` };
  return undefined;
}

/** Each failed container with its error and last log lines; the stack's own message when none says more. */
export function failureOf({ stack, deployment }: StackView): string {
  const failed = Object.entries(deployment?.placements ?? {}).filter(([, p]) => p.error !== undefined);
  if (failed.length === 0) return stack.errorMessage ?? `stack ${stack.name} is ${stack.status}`;
  return failed
    .map(([name, p]) => {
      const logs = p.error?.logs ?? [];
      const tail = logs.length === 0 ? '' : `\n  last log lines:\n${logs.map((line) => `    ${line}`).join('\n')}`;
      return `container "${name}" on host "${p.hostId}" failed: ${p.error?.code}: ${p.error?.message}${tail}`;
    })
    .join('\n');
}
