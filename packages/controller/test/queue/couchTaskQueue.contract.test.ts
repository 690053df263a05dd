import pino from 'pino';
import { CouchTaskQueue } from '../../src/queue/couchTaskQueue.js';
import { useTestStore } from '../support/store.js';
import { describeTaskQueueContract } from './taskQueueContract.js';

const store = useTestStore();

describeTaskQueueContract(
  `CouchTaskQueue on the ${store.kind} store`,
  async ({ clock }) => new CouchTaskQueue({ couch: await store.couch(), clock, log: pino({ level: 'silent' }), random: () => 0.5 }),
);

// As the controller runs it on the embedded store: a single node, claims not read back.
describeTaskQueueContract(
  `CouchTaskQueue on the ${store.kind} store, claims not read back (single node)`,
  async ({ clock }) =>
    new CouchTaskQueue({ couch: await store.couch(), clock, log: pino({ level: 'silent' }), random: () => 0.5, readBackClaims: false }),
);
