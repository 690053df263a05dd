/**
 * Task counts by status, type and host from the `task-stats/counts` view (store/views.ts): a `_count`
 * reduce grouped by `[status, taskType, hostId]` answers with one row per combination in use, however many
 * tasks are stored. Chosen over paging Mango results because it never reads the tasks themselves.
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
