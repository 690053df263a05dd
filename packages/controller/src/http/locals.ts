/**
 * What the request pipeline attaches to a request: the request id, the request's child logger (made on
 * first use) and, on /api routes, the authenticated principal. Express requests carry it as `res.locals`,
 * typed once here so handlers never cast; the agent lane (agentLane.ts) keeps the same scope in a plain
 * object.
 */
import type { Logger } from 'pino';
import type { Principal } from '../ports.js';

export interface RequestScope {
  reqId: string;
  log: Logger;
  /** Adds bindings to `log` (made lazily by requestContext). */
  addLogBindings(bindings: Record<string, unknown>): void;
}

declare global {
  // Express merges this interface into `res.locals`.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals extends RequestScope {
      principal?: Principal;
    }
  }
}
