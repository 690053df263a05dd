import { MemoryTaskQueue } from '../../src/queue/memoryTaskQueue.js';
import { describeTaskQueueContract } from './taskQueueContract.js';

describeTaskQueueContract('MemoryTaskQueue', async ({ clock }) => new MemoryTaskQueue({ clock, random: () => 0.5 }));
