/**
 * The signal a held request (a long-poll) waits with: it aborts when the client hangs up before its answer,
 * or when the server shuts down.
 *
 * Not `AbortSignal.any([clientGone, shutdown])`: on Node 20 every signal made that way stays registered with
 * the long-lived shutdown signal for the life of the process (nodejs/node#55351, #64476), and a fleet's
 * agents make one per claim — tens per second with 1,000 idle agents. Here the shutdown listener goes away
 * with the response.
 */
import type { ServerResponse } from 'node:http';

export function requestSignal(res: Pick<ServerResponse, 'once' | 'writableFinished'>, shutdown: AbortSignal | undefined): AbortSignal {
  const held = new AbortController();
  if (shutdown?.aborted === true) {
    held.abort();
    return held.signal;
  }
  const onShutdown = (): void => held.abort();
  shutdown?.addEventListener('abort', onShutdown, { once: true });
  res.once('close', () => {
    shutdown?.removeEventListener('abort', onShutdown);
    if (!res.writableFinished) held.abort();
  });
  return held.signal;
}
