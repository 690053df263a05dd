/**
 * One store per test file, fresh databases per test. `useTestStore()` (call it at the top of a test file or
 * a describe block) starts ONE embedded store in a temporary directory before the file's tests, or uses
 * the CouchDB at COUCHDB_URL when that is set (credentials in the URL); `couch()` then hands out a
 * `connectCouch` with a database prefix of its own and the schema in place, so tests never see each
 * other's documents. Afterwards the databases are destroyed (on a real CouchDB), the store is closed and
 * its directory removed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectCouch, DATABASES, ensureSchema, type Couch } from '../../src/store/couch.js';
import { startEmbeddedStore, type EmbeddedStore } from '../../src/store/embedded.js';
import { isNotFound } from '../../src/store/errors.js';

export interface TestStore {
  /** Fresh databases with a unique prefix and the schema (indexes, views) in place. */
  couch(): Promise<Couch>;
  /** Where the store is: `{url, token}` for connectCouch (token only for the embedded store). */
  endpoint(): { url: string; token?: string | undefined };
  /** `embedded` or `couchdb`, for test names and skips. */
  readonly kind: 'embedded' | 'couchdb';
}

export function useTestStore(): TestStore {
  const externalUrl = process.env['COUCHDB_URL'];
  let embedded: EmbeddedStore | undefined;
  let dataDir: string | undefined;
  const created: Couch[] = [];

  beforeAll(async () => {
    if (externalUrl !== undefined && externalUrl !== '') return;
    dataDir = mkdtempSync(join(tmpdir(), 'graphium-store-'));
    embedded = await startEmbeddedStore({ dataDir });
  });

  afterAll(async () => {
    if (embedded === undefined) {
      for (const couch of created) {
        for (const name of DATABASES) {
          await couch.server.db.destroy(couch.names[name]).catch((error: unknown) => {
            if (!isNotFound(error)) throw error;
          });
        }
      }
    }
    await embedded?.close();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  const endpoint = (): { url: string; token?: string | undefined } => {
    if (embedded !== undefined) return { url: embedded.url, token: embedded.token };
    if (externalUrl === undefined) throw new Error('useTestStore: the store is not started yet (use it inside a test)');
    return { url: externalUrl };
  };

  return {
    kind: externalUrl ? 'couchdb' : 'embedded',
    endpoint,
    async couch() {
      // CouchDB database names: lowercase letter first, then [a-z0-9_$()+/-].
      const prefix = `gt${process.pid}_${randomBytes(4).toString('hex')}_`;
      const couch = connectCouch({ ...endpoint(), prefix });
      created.push(couch);
      await ensureSchema(couch);
      return couch;
    },
  };
}
