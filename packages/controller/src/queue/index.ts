export { CouchTaskQueue, type CouchTaskQueueOptions } from './couchTaskQueue.js';
export { MemoryTaskQueue, type MemoryTaskQueueOptions } from './memoryTaskQueue.js';
