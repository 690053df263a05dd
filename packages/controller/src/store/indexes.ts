import type { DatabaseName } from './couch.js';

/**
 * Every Mango index the controller queries with, created at start-up. Queries sort on all of an index's
 * fields, in index order, in one direction (PouchDB accepts mixed directions and returns the wrong order;
 * CouchDB rejects them), and always pass `limit`.
 */
export interface IndexDefinition {
  db: DatabaseName;
  name: string;
  fields: readonly string[];
}

export const INDEXES: readonly IndexDefinition[] = [
  // The queue's start-up load of unfinished tasks (queue/activeTasks.ts explains why claims do not query):
  // claimed/running tasks by lease expiry, pending ones by age (tasks-status-created below).
  { db: 'tasks', name: 'tasks-status-lease', fields: ['status', 'lease.expiresAt'] },
  // Tasks of a stack (status, deletion monitor) and task listings filtered by stack.
  { db: 'tasks', name: 'tasks-stack', fields: ['stackId', 'dateCreated'] },
  // Task listings (GET /api/v1/tasks): by status, unfiltered, by host. Other filters ride along the selector.
  { db: 'tasks', name: 'tasks-status-created', fields: ['status', 'dateCreated'] },
  { db: 'tasks', name: 'tasks-created', fields: ['dateCreated'] },
  { db: 'tasks', name: 'tasks-host-created', fields: ['hostId', 'dateCreated'] },
  // Stack listings.
  { db: 'stacks', name: 'stacks-type-name', fields: ['@type', 'name'] },
  { db: 'stacks', name: 'stacks-type-status-name', fields: ['@type', 'status', 'name'] },
  // Host liveness: online hosts by last heartbeat.
  { db: 'hosts', name: 'hosts-status-seen', fields: ['status', 'lastSeen'] },
  // Event history of a stack, newest last.
  { db: 'events', name: 'events-stack-time', fields: ['stackId', 'timestamp'] },
  { db: 'events', name: 'events-time', fields: ['timestamp'] },
];
