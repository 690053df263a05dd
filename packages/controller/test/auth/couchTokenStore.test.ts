/** CouchTokenStore on the real store: hash-only storage, verification with its cache, the first admin. */
import { createHash } from 'node:crypto';
import { CouchTokenStore } from '../../src/auth/couchTokenStore.js';
import type { Couch } from '../../src/store/couch.js';
import { useTestStore } from '../support/store.js';
import { ManualClock } from '../support/manualClock.js';

const store = useTestStore();

async function allDocs(couch: Couch): Promise<Array<Record<string, unknown>>> {
  const { rows } = await couch.db.tokens.list({ include_docs: true });
  return rows.flatMap((row) => (row.doc && !row.id.startsWith('_design/') ? [row.doc as Record<string, unknown>] : []));
}

describe(`CouchTokenStore (${store.kind})`, () => {
  let couch: Couch;
  let clock: ManualClock;

  beforeEach(async () => {
    couch = await store.couch();
    clock = new ManualClock();
  });

  it('mints prefixed random tokens and stores only their SHA-256', async () => {
    const tokens = new CouchTokenStore(couch, clock);
    const user = await tokens.create({ kind: 'user', name: 'alice' });
    const agent = await tokens.create({ kind: 'agent', name: 'vm1-agent', hostId: 'vm1' });
    expect(user.token).toMatch(/^gru_[A-Za-z0-9_-]{43}$/);
    expect(agent.token).toMatch(/^grh_[A-Za-z0-9_-]{43}$/);
    const hash = createHash('sha256').update(user.token).digest('hex');
    const docs = await allDocs(couch);
    expect(docs.map((d) => d._id).sort()).toEqual([`token:${hash}`, `token:${createHash('sha256').update(agent.token).digest('hex')}`].sort());
    const stored = JSON.stringify(docs);
    expect(stored).not.toContain(user.token);
    expect(stored).not.toContain(user.token.slice(4));
    expect(docs.find((d) => d._id === `token:${hash}`)).toMatchObject({ '@type': 'ApiToken', principal: { kind: 'user', name: 'alice' } });
  });

  it('verifies known tokens (from any replica) and refuses unknown or malformed ones', async () => {
    const minting = new CouchTokenStore(couch, clock);
    const verifying = new CouchTokenStore(couch, clock);
    const { token } = await minting.create({ kind: 'agent', name: 'vm1-agent', hostId: 'vm1' });
    expect(await verifying.verify(token)).toEqual({ kind: 'agent', name: 'vm1-agent', hostId: 'vm1' });
    expect(await verifying.verify(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(await verifying.verify('not-a-token')).toBeUndefined();
    expect(await verifying.verify('')).toBeUndefined();
  });

  it('answers repeated verifications from its cache until the TTL runs out (then revocation shows)', async () => {
    const tokens = new CouchTokenStore(couch, clock, { cacheTtlMs: 30_000, negativeCacheTtlMs: 5_000 });
    const { token } = await tokens.create({ kind: 'user', name: 'alice' });
    const reads = jest.spyOn(couch.db.tokens, 'get');
    for (let i = 0; i < 5; i += 1) expect(await tokens.verify(token)).toMatchObject({ name: 'alice' });
    expect(reads).toHaveBeenCalledTimes(1);

    const id = `token:${createHash('sha256').update(token).digest('hex')}`;
    const doc = await couch.db.tokens.get(id);
    await couch.db.tokens.insert({ ...doc, revoked: true });
    expect(await tokens.verify(token)).toMatchObject({ name: 'alice' });
    clock.advance(30_001);
    expect(await tokens.verify(token)).toBeUndefined();
    expect(await tokens.verify('gru_' + 'x'.repeat(43))).toBeUndefined();
    const before = reads.mock.calls.length;
    expect(await tokens.verify('gru_' + 'x'.repeat(43))).toBeUndefined();
    expect(reads.mock.calls.length).toBe(before);
    reads.mockRestore();
  });

  it('creates the first admin token exactly once, even with several replicas starting together', async () => {
    const replicas = Array.from({ length: 5 }, () => new CouchTokenStore(couch, clock));
    const results = await Promise.all(replicas.map((tokens) => tokens.ensureAdmin()));
    const created = results.filter((r) => r !== undefined);
    expect(created).toHaveLength(1);
    expect(created[0]!.token).toMatch(/^gra_/);
    expect(await replicas[3]!.verify(created[0]!.token)).toEqual({ kind: 'admin', name: 'admin' });
    expect(await replicas[0]!.ensureAdmin()).toBeUndefined();
    expect((await allDocs(couch)).filter((d) => d['@type'] === 'ApiToken')).toHaveLength(1);
  });

  it('takes over an admin bootstrap abandoned half-way, but not a fresh one', async () => {
    await couch.db.tokens.insert({
      _id: 'admin-bootstrap',
      '@context': 'https://graphium.dev/ns/v1',
      '@type': 'AdminBootstrap',
      '@id': 'admin-bootstrap',
      tokenHash: 'f'.repeat(64),
      dateCreated: new Date(clock.now()).toISOString(),
    });
    const tokens = new CouchTokenStore(couch, clock, { bootstrapStaleMs: 60_000 });
    expect(await tokens.ensureAdmin()).toBeUndefined();
    clock.advance(60_001);
    const created = await tokens.ensureAdmin();
    expect(created?.principal).toEqual({ kind: 'admin', name: 'admin' });
    expect(await tokens.verify(created!.token)).toEqual({ kind: 'admin', name: 'admin' });
    expect(await tokens.ensureAdmin()).toBeUndefined();
  });
});
