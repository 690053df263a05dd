/**
 * What the request pipeline attaches to `res.locals`, typed once here so handlers never cast: the request
 * id, the request's child logger (made on first use) and, on /api routes, the authenticated principal.
 */
import type { Logger } from 'pino';
import type { Principal } from '../ports.js';

declare global {
  // Express merges this interface into `res.locals`.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      reqId: string;
      log: Logger;
      /** Adds bindings to `log` (made lazily by requestContext). */
      addLogBindings(bindings: Record<string, unknown>): void;
      principal?: Principal;
    }
  }
}

export {};
