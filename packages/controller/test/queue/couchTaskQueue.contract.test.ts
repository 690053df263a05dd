import pino from 'pino';
import { CouchTaskQueue } from '../../src/queue/couchTaskQueue.js';
import { useTestStore } from '../support/store.js';
import { describeTaskQueueContract } from './taskQueueContract.js';

const store = useTestStore();

describeTaskQueueContract(
  `CouchTaskQueue on the ${store.kind} store`,
  async ({ clock }) => new CouchTaskQueue({ couch: await store.couch(), clock, log: pino({ level: 'silent' }), random: () => 0.5 }),
);
