/**
 * Task counts by status, type and host from the `task-stats/counts` view (store/views.ts): a `_count`
 * reduce grouped by `[status, taskType, hostId]` answers with one row per combination in use, however many
 * tasks are stored. Chosen over paging Mango results because it never reads the tasks themselves, and it
 * is portable. Its cost on the embedded store: PouchDB brings a view up to date when it is queried, about
 * 1.3 ms of CPU per task write since the previous query (CouchDB indexes natively, far cheaper) — hence
 * SharedStats, so that scrapes and API calls close together share one query.
 */
import { TASK_STATUSES, TASK_TYPES, type TaskStatsResponse, type TaskStatus, type TaskType } from '@graphium/shared';
import type { Database } from '../store/couch.js';
import { TASK_COUNTS_VIEW, TASK_STATS_DESIGN } from '../store/views.js';

const zeroes = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

export function emptyStats(): TaskStatsResponse {
  return { total: 0, byStatus: zeroes(TASK_STATUSES), byType: zeroes(TASK_TYPES), byHost: {} };
}

/** Adds `count` tasks of one kind to the totals (shared with the in-memory queue). */
export function addToStats(stats: TaskStatsResponse, status: TaskStatus, taskType: TaskType, hostId: string, count: number): void {
  stats.total += count;
  stats.byStatus[status] += count;
  stats.byType[taskType] += count;
  const host = (stats.byHost[hostId] ??= zeroes(TASK_STATUSES));
  host[status] += count;
}

export async function taskStats(db: Database): Promise<TaskStatsResponse> {
  const response = await db.view(TASK_STATS_DESIGN, TASK_COUNTS_VIEW, { group: true });
  const stats = emptyStats();
  for (const row of response.rows) {
    const [status, taskType, hostId] = row.key as unknown as [unknown, unknown, unknown];
    const known =
      TASK_STATUSES.includes(status as TaskStatus) && TASK_TYPES.includes(taskType as TaskType) && typeof hostId === 'string';
    if (known) addToStats(stats, status as TaskStatus, taskType as TaskType, hostId, Number(row.value));
  }
  return stats;
}

/** One stats query shared by every caller within `maxAgeMs` (and by concurrent callers). */
export class SharedStats {
  private last: { at: number; answer: Promise<TaskStatsResponse> } | undefined;

  constructor(
    private readonly query: () => Promise<TaskStatsResponse>,
    private readonly maxAgeMs: number,
  ) {}

  get(): Promise<TaskStatsResponse> {
    const now = performance.now();
    if (this.last !== undefined && now - this.last.at < this.maxAgeMs) return this.last.answer;
    const entry = { at: now, answer: this.query() };
    this.last = entry;
    entry.answer.catch(() => {
      if (this.last === entry) this.last = undefined; // a failure is not kept
    });
    return entry.answer;
  }
}
