/**
 * The signal a held request (a long-poll) waits with: it aborts when the client hangs up before its answer,
 * or when the server shuts down.
 *
 * Not `AbortSignal.any([clientGone, shutdown])`: on Node 20 every signal made that way stays registered with
 * the long-lived shutdown signal for the life of the process (nodejs/node#55351, #64476), and a fleet's
 * agents make one per claim — tens per second with 1,000 idle agents. Nor a listener per held request on the
 * shutdown signal: EventTarget looks for a duplicate on every `addEventListener`, so with a thousand held
 * claims each new one walked a thousand listeners (2 % of the API thread at 1,000 agents). What is held
 * until shutdown is kept in a set instead, with one listener on the shutdown signal for all of it, and leaves
 * the set when its response ends.
 */
import type { ServerResponse } from 'node:http';

const heldUntil = new WeakMap<AbortSignal, Set<() => void>>();

function heldBy(shutdown: AbortSignal): Set<() => void> {
  let held = heldUntil.get(shutdown);
  if (held === undefined) {
    const all = new Set<() => void>();
    shutdown.addEventListener(
      'abort',
      () => {
        for (const act of [...all]) act();
        all.clear();
      },
      { once: true },
    );
    heldUntil.set(shutdown, all);
    held = all;
  }
  return held;
}

/**
 * Runs `act` once when `shutdown` aborts (never, when it already has); the function returned lets go of it.
 * One listener on the shutdown signal serves every caller.
 */
export function atShutdown(shutdown: AbortSignal, act: () => void): () => void {
  const held = heldBy(shutdown);
  held.add(act);
  return () => held.delete(act);
}

/** How many acts wait for `shutdown`: what is held open right now (tests read it to see nothing leaks). */
export function heldUntilShutdown(shutdown: AbortSignal): number {
  return heldUntil.get(shutdown)?.size ?? 0;
}

export function requestSignal(res: Pick<ServerResponse, 'once' | 'writableFinished'>, shutdown: AbortSignal | undefined): AbortSignal {
  const held = new AbortController();
  if (shutdown?.aborted === true) {
    held.abort();
    return held.signal;
  }
  const release = shutdown === undefined ? undefined : atShutdown(shutdown, () => held.abort());
  res.once('close', () => {
    release?.();
    if (!res.writableFinished) held.abort();
  });
  return held.signal;
}
