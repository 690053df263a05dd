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
  // Claim candidates of one host: pending first by queueKey (priority desc, then age asc, in one string).
  { db: 'tasks', name: 'tasks-host-status-queue', fields: ['hostId', 'status', 'queueKey'] },
  // Lease sweeper: claimed/running tasks whose lease expired.
  { db: 'tasks', name: 'tasks-status-lease', fields: ['status', 'lease.expiresAt'] },
  // Tasks of a stack (status, deletion monitor) and listings.
  { db: 'tasks', name: 'tasks-stack', fields: ['stackId', 'dateCreated'] },
  { db: 'tasks', name: 'tasks-status-created', fields: ['status', 'dateCreated'] },
  { db: 'tasks', name: 'tasks-created', fields: ['dateCreated'] },
  // Stack listings.
  { db: 'stacks', name: 'stacks-type-name', fields: ['@type', 'name'] },
  { db: 'stacks', name: 'stacks-type-status-name', fields: ['@type', 'status', 'name'] },
  // Host liveness: online hosts by last heartbeat.
  { db: 'hosts', name: 'hosts-status-seen', fields: ['status', 'lastSeen'] },
  // Event history of a stack, newest last.
  { db: 'events', name: 'events-stack-time', fields: ['stackId', 'timestamp'] },
  { db: 'events', name: 'events-time', fields: ['timestamp'] },
];
