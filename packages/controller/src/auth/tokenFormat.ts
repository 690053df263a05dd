/**
 * API tokens: 32 random bytes, base64url, behind a readable prefix that names the kind (`gra_` admin, `gru_`
 * user, `grh_` host agent) so a leaked token is recognisable in logs and secret scanners. Only the SHA-256
 * hash is ever stored; a plain hash suffices because the token itself has 256 bits of entropy.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from '../ports.js';

export const TOKEN_PREFIX: Record<Principal['kind'], string> = { admin: 'gra_', user: 'gru_', agent: 'grh_' };

const TOKEN_SHAPE = /^gr[auh]_[A-Za-z0-9_-]{43}$/;

export function generateToken(kind: Principal['kind']): string {
  return `${TOKEN_PREFIX[kind]}${randomBytes(32).toString('base64url')}`;
}

/** Whether the text could be one of our tokens: anything else is refused without asking the store. */
export function isTokenShaped(text: string): boolean {
  return TOKEN_SHAPE.test(text);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenDocId(hash: string): string {
  return `token:${hash}`;
}
