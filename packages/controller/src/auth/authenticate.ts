/**
 * Bearer authentication for every /api route: `Authorization: Bearer <token>` → the token's Principal in
 * `res.locals.principal`. A missing, malformed or unknown token is 401 with a `WWW-Authenticate` challenge
 * (RFC 6750); which principal may do what is decided per route (access.ts).
 */
import { AppError } from '@graphium/shared';
import type { NextFunction, Request, Response } from 'express';
import type { TokenStore } from '../ports.js';

const BEARER = /^Bearer +(\S+) *$/i;

export function authenticate(tokens: TokenStore) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('authorization');
    if (header === undefined) {
      throw new AppError('UNAUTHENTICATED', 'a bearer token is required: send "Authorization: Bearer <token>"');
    }
    const token = BEARER.exec(header)?.[1];
    const principal = token === undefined ? undefined : await tokens.verify(token);
    if (principal === undefined) {
      res.setHeader('www-authenticate', 'Bearer realm="graphium", error="invalid_token"');
      throw new AppError('UNAUTHENTICATED', 'the bearer token is not valid');
    }
    res.locals.principal = principal;
    res.locals.addLogBindings({ principal: principal.name, kind: principal.kind });
    next();
  };
}
