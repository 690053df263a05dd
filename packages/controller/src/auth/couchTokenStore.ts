/**
 * API tokens in the `tokens` database, stored as `token:{sha256}` documents: the token itself is never
 * written anywhere, so a copy of the database grants nothing.
 *
 * verify() answers from a short-lived in-memory cache (default 30 s for known tokens, 5 s for unknown ones),
 * so most requests cost no store round trip; a revoked token stops working within that TTL.
 *
 * The first admin token is made once per database, even with several replicas starting together: a marker
 * document with a fixed id (`admin-bootstrap`) is created with a plain insert, which only one replica can
 * win. Should a replica die between the marker and the token write, the marker names a token that does not
 * exist; after `bootstrapStaleMs` another start takes the marker over (a conditional write) and mints anew.
 */
import { GRAPHIUM_CONTEXT, isoTimestamp, jsonLdDocument, principal as principalSchema } from '@graphium/shared';
import { z } from 'zod';
import type { Clock, CreatedToken, Principal, TokenStore } from '../ports.js';
import type { Couch, Database } from '../store/couch.js';
import { getOrUndefined, isConflict } from '../store/errors.js';
import { generateToken, hashToken, isTokenShaped, tokenDocId } from './tokenFormat.js';
import { TtlCache } from './ttlCache.js';

const tokenDocument = jsonLdDocument('ApiToken').extend({
  principal: principalSchema,
  dateCreated: isoTimestamp,
  revoked: z.boolean().default(false),
});

const BOOTSTRAP_ID = 'admin-bootstrap';

const bootstrapDocument = jsonLdDocument('AdminBootstrap').extend({
  tokenHash: z.string(),
  dateCreated: isoTimestamp,
});

export interface TokenStoreOptions {
  /** How long a verified token is trusted without asking the store. Default 30 000 ms. */
  cacheTtlMs?: number | undefined;
  /** How long an unknown token is remembered as unknown. Default 5 000 ms. */
  negativeCacheTtlMs?: number | undefined;
  /** Bound of the cache. Default 10 000 entries. */
  cacheMaxEntries?: number | undefined;
  /** Age after which an admin bootstrap whose token never got written is taken over. Default 60 000 ms. */
  bootstrapStaleMs?: number | undefined;
}

export class CouchTokenStore implements TokenStore {
  private readonly db: Database;
  private readonly cache: TtlCache<Principal | undefined>;
  private readonly cacheTtlMs: number;
  private readonly negativeCacheTtlMs: number;
  private readonly bootstrapStaleMs: number;

  constructor(
    couch: Couch,
    private readonly clock: Clock,
    options: TokenStoreOptions = {},
  ) {
    this.db = couch.db.tokens;
    this.cacheTtlMs = options.cacheTtlMs ?? 30_000;
    this.negativeCacheTtlMs = options.negativeCacheTtlMs ?? 5_000;
    this.bootstrapStaleMs = options.bootstrapStaleMs ?? 60_000;
    this.cache = new TtlCache(clock, options.cacheMaxEntries ?? 10_000);
  }

  async verify(token: string): Promise<Principal | undefined> {
    if (!isTokenShaped(token)) return undefined;
    const hash = hashToken(token);
    const cached = this.cache.get(hash);
    if (cached !== undefined) return cached.value;
    const principal = await this.lookup(hash);
    this.cache.set(hash, principal, principal === undefined ? this.negativeCacheTtlMs : this.cacheTtlMs);
    return principal;
  }

  async create(principal: Principal): Promise<CreatedToken> {
    const token = generateToken(principal.kind);
    await this.write(hashToken(token), principal);
    return { token, principal };
  }

  async ensureAdmin(): Promise<CreatedToken | undefined> {
    const token = generateToken('admin');
    const hash = hashToken(token);
    const marker = {
      '@context': GRAPHIUM_CONTEXT,
      '@type': 'AdminBootstrap',
      '@id': BOOTSTRAP_ID,
      _id: BOOTSTRAP_ID,
      tokenHash: hash,
      dateCreated: this.isoNow(),
    };
    try {
      await this.db.insert(marker);
    } catch (error) {
      if (!isConflict(error)) throw error;
      if (!(await this.takeOverStaleBootstrap(marker))) return undefined;
    }
    const principal: Principal = { kind: 'admin', name: 'admin' };
    await this.write(hash, principal);
    return { token, principal };
  }

  /** True when the existing marker was abandoned and this call now owns it. */
  private async takeOverStaleBootstrap(marker: Record<string, unknown>): Promise<boolean> {
    const existing = bootstrapDocument.parse(await this.db.get(BOOTSTRAP_ID));
    if ((await this.lookup(existing.tokenHash)) !== undefined) return false;
    if (this.clock.now() - Date.parse(existing.dateCreated) < this.bootstrapStaleMs) return false;
    try {
      await this.db.insert({ ...marker, _rev: existing._rev });
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  private async lookup(hash: string): Promise<Principal | undefined> {
    const doc = await getOrUndefined(() => this.db.get(tokenDocId(hash)));
    if (doc === undefined) return undefined;
    const parsed = tokenDocument.parse(doc);
    return parsed.revoked ? undefined : parsed.principal;
  }

  private async write(hash: string, principal: Principal): Promise<void> {
    const id = tokenDocId(hash);
    await this.db.insert({
      '@context': GRAPHIUM_CONTEXT,
      '@type': 'ApiToken',
      '@id': id,
      _id: id,
      principal,
      dateCreated: this.isoNow(),
      revoked: false,
    });
    this.cache.delete(hash);
  }

  private isoNow(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
