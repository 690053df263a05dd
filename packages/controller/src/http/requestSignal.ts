/**
 * The signal a held request (a long-poll) waits with: it aborts when the client hangs up before its answer,
 * or when the server shuts down.
 *
 * Not `AbortSignal.any([clientGone, shutdown])`: on Node 20 every signal made that way stays registered with
 * the long-lived shutdown signal for the life of the process (nodejs/node#55351, #64476), and a fleet's
 * agents make one per claim — tens per second with 1,000 idle agents. Nor a listener of its own on the
 * shutdown signal (2 % of the API thread at 1,000 agents; atShutdown.ts says why): the request is held
 * through atShutdown and let go when its response ends.
 */
import type { ServerResponse } from 'node:http';
import { atShutdown } from './atShutdown.js';

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
