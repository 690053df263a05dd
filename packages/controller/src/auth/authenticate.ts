/**
 * Bearer authentication for every /api route: `Authorization: Bearer <token>` → the token's Principal. A
 * missing, malformed or unknown token is 401 with a `WWW-Authenticate` challenge (RFC 6750); which principal
 * may do what is decided per route (access.ts). Express runs it as middleware on /api (the principal goes to
 * `res.locals.principal`); the agent lane calls `authenticateRequest` itself.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '@graphium/shared';
import type { NextFunction, Request, Response } from 'express';
import type { RequestScope } from '../http/locals.js';
import type { Principal, TokenStore } from '../ports.js';

const BEARER = /^Bearer +(\S+) *$/i;

/** The request's principal, also bound to its log lines; throws UNAUTHENTICATED. */
export async function authenticateRequest(tokens: TokenStore, req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<Principal> {
  const header = req.headers.authorization;
  if (header === undefined) {
    throw new AppError('UNAUTHENTICATED', 'a bearer token is required: send "Authorization: Bearer <token>"');
  }
  const token = BEARER.exec(header)?.[1];
  const principal = token === undefined ? undefined : await tokens.verify(token);
  if (principal === undefined) {
    res.setHeader('www-authenticate', 'Bearer realm="graphium", error="invalid_token"');
    throw new AppError('UNAUTHENTICATED', 'the bearer token is not valid');
  }
  scope.addLogBindings({ principal: principal.name, kind: principal.kind });
  return principal;
}

export function authenticate(tokens: TokenStore) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    res.locals.principal = await authenticateRequest(tokens, req, res, res.locals);
    next();
  };
}
