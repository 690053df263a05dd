/**
 * What is held open until the server shuts down (held claims, event streams), by shutdown signal: a set per
 * signal with one listener on it for all. A listener each would do the same, but EventTarget looks for a
 * duplicate on every `addEventListener`, so with a thousand held claims each new one walked a thousand
 * listeners.
 */
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
