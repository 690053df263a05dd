import type { DatabaseName } from './couch.js';

/**
 * Map/reduce views, for the few questions Mango cannot answer without reading every document: counts, and
 * which stacks have containers on a host (a placement map's values are not indexable by Mango).
 * A view with the built-in `_count` reduce keeps its totals up to date incrementally on both the embedded
 * store and CouchDB, so `GET /api/v1/tasks/stats` reads a few hundred rows, never the whole database.
 * Map functions are plain ES5 strings: CouchDB's JavaScript query server runs them as-is.
 */
export interface DesignDocument {
  db: DatabaseName;
  /** Design document name without `_design/`. */
  name: string;
  views: Record<string, { map: string; reduce?: string }>;
}

export const TASK_STATS_DESIGN = 'task-stats';
/** Keys `[status, taskType, hostId]`, value: the number of tasks. */
export const TASK_COUNTS_VIEW = 'counts';

export const PLACEMENTS_DESIGN = 'placements';
/** Key: host id, value: container name — every container a DeploymentState places on a host (failover's question). */
export const PLACEMENTS_BY_HOST_VIEW = 'by-host';

export const DESIGN_DOCUMENTS: readonly DesignDocument[] = [
  {
    db: 'tasks',
    name: TASK_STATS_DESIGN,
    views: {
      [TASK_COUNTS_VIEW]: {
        map: "function (doc) { if (doc['@type'] === 'AgentTask') { emit([doc.status, doc.taskType, doc.hostId], null); } }",
        reduce: '_count',
      },
    },
  },
  {
    db: 'stacks',
    name: PLACEMENTS_DESIGN,
    views: {
      [PLACEMENTS_BY_HOST_VIEW]: {
        map:
          "function (doc) { if (doc['@type'] === 'DeploymentState' && doc.placements) { for (var name in doc.placements) { " +
          "var p = doc.placements[name]; if (p && p.status !== 'removed') { emit(p.hostId, name); } } } }",
      },
    },
  },
];
