import { couchProbe } from '../../src/http/storeProbe.js';
import { connectCouch } from '../../src/store/couch.js';
import { useTestStore } from '../support/store.js';

const store = useTestStore();

describe(`couchProbe (${store.kind})`, () => {
  it('is true while the store answers', async () => {
    expect(await couchProbe(await store.couch())()).toBe(true);
  });

  it('is false, and quick, when nothing answers', async () => {
    const started = Date.now();
    expect(await couchProbe(connectCouch({ url: 'http://127.0.0.1:9' }), 500)()).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('is false when the store refuses our credentials or lacks our databases', async () => {
    const { url, token } = store.endpoint();
    const wrongToken = new URL(url);
    if (token === undefined) wrongToken.password = 'wrong';
    expect(await couchProbe(connectCouch({ url: wrongToken.toString(), token: token === undefined ? undefined : 'wrong' }))()).toBe(false);
    expect(await couchProbe(connectCouch({ url, token, prefix: 'missing_' }))()).toBe(false);
  });
});
