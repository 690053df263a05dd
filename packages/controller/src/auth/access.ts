/**
 * Who may call what. Host identity comes from the credential (DESIGN.md §5):
 * - an agent token is bound to one host id and opens only the agent routes of that host (plus its own task
 *   status reports, whose host the queue checks); any other route is 403 for it;
 * - user and admin tokens open the user routes; only admin mints tokens;
 * - agent routes are for agent tokens only, admin included: a controller-wide admin token must not be able to
 *   pose as any host (one leaked token would then impersonate the whole fleet). To act as a host, an admin
 *   mints an agent token for it.
 */
import { AppError } from '@graphium/shared';
import type { NextFunction, Request, Response } from 'express';
import type { Principal } from '../ports.js';

type Guard = (req: Request, res: Response, next: NextFunction) => void;

/** The authenticated principal; only reachable behind `authenticate`. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal;
  if (principal === undefined) throw new AppError('UNAUTHENTICATED', 'a bearer token is required');
  return principal;
}

function guard(allowed: (principal: Principal) => boolean, refusal: string): Guard {
  return (_req, res, next) => {
    if (!allowed(principalOf(res))) throw new AppError('FORBIDDEN', refusal);
    next();
  };
}

/** Any authenticated principal (documentation). */
export const anyPrincipal: Guard = (_req, res, next) => {
  principalOf(res);
  next();
};

/** Users and admins. */
export const userOnly: Guard = guard((p) => p.kind === 'user' || p.kind === 'admin', 'this route is for user tokens; agent tokens reach only their host\'s agent routes');

export const adminOnly: Guard = guard((p) => p.kind === 'admin', 'only an admin token may do this');

/** Refuses (403) any principal but the agent token of `hostId`. */
export function assertAgentOfHost(principal: Principal, hostId: unknown): void {
  if (principal.kind !== 'agent') throw new AppError('FORBIDDEN', 'agent routes take an agent token (an admin mints one per host)');
  if (principal.hostId !== hostId) {
    throw new AppError('FORBIDDEN', `this agent token belongs to host "${principal.hostId}", not "${String(hostId)}"`);
  }
}

/** The agent token of the host named by `:hostId`. */
export const agentOfPathHost: Guard = (req, res, next) => {
  assertAgentOfHost(principalOf(res), req.params.hostId);
  next();
};

/** The host id an agent principal is bound to; 403 for any other principal. */
export function hostOfAgent(principal: Principal): string {
  if (principal.kind !== 'agent') throw new AppError('FORBIDDEN', 'this route is for agent tokens');
  return principal.hostId;
}
