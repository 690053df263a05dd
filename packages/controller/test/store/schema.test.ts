import { INDEXES } from '../../src/store/indexes.js';
import { ensureSchema } from '../../src/store/couch.js';
import { DESIGN_DOCUMENTS } from '../../src/store/views.js';
import { useTestStore } from '../support/store.js';

const store = useTestStore();

describe(`ensureSchema on the ${store.kind} store`, () => {
  it('creates every database, index and view, and is safe to run again (also at once)', async () => {
    const couch = await store.couch();
    await Promise.all([ensureSchema(couch), ensureSchema(couch)]);
    for (const db of ['tasks', 'stacks', 'hosts', 'events', 'tokens'] as const) {
      const { indexes } = (await couch.server.relax({ db: couch.names[db], path: '_index' })) as { indexes: { name: string }[] };
      const names = indexes.map((index) => index.name);
      for (const index of INDEXES.filter((i) => i.db === db)) expect(names).toContain(index.name);
    }
    for (const design of DESIGN_DOCUMENTS) {
      const doc = (await couch.db[design.db].get(`_design/${design.name}`)) as { views?: unknown };
      expect(doc.views).toEqual(design.views);
    }
  });
});
