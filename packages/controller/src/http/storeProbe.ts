import type { Couch } from '../store/couch.js';

/**
 * The /healthz probe: the tasks database answers within `timeoutMs` (default 2000). A database, not the
 * server root, because CouchDB serves its root to anyone: only a database read proves that our credentials
 * work and the schema is there. A hung store must not hang the probe: load balancers read slow as dead.
 */
export function couchProbe(couch: Couch, timeoutMs = 2000): () => Promise<boolean> {
  return async () => {
    const request = couch.server.request as (options: Record<string, unknown>) => Promise<unknown>;
    try {
      await request({ db: couch.names.tasks, signal: AbortSignal.timeout(timeoutMs) });
      return true;
    } catch {
      return false;
    }
  };
}
