/** `graphium task …`: ls, stats, retry, cancel. */
import { TASK_STATUSES, TASK_TYPES, type TaskStatus, type TaskType } from '@graphium/shared';
import type { Task } from '../client.js';
import { usageError } from '../errors.js';
import { ago, dash } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { printJson, stackIdOf, type CommandContext } from './context.js';

export interface TaskFilter {
  host?: string;
  status?: string;
  stack?: string;
  type?: string;
  /** Default 100. */
  limit?: number;
}

export async function listTasks(ctx: CommandContext, filter: TaskFilter = {}): Promise<void> {
  const page = await ctx.client.listTasks({
    limit: filter.limit ?? 100,
    ...(filter.host === undefined ? {} : { hostId: filter.host }),
    ...(filter.status === undefined ? {} : { status: oneOf<TaskStatus>('--status', filter.status, TASK_STATUSES) }),
    ...(filter.type === undefined ? {} : { taskType: oneOf<TaskType>('--type', filter.type, TASK_TYPES) }),
    ...(filter.stack === undefined ? {} : { stackId: stackIdOf(filter.stack) }),
  });
  if (ctx.json) {
    printJson(ctx, page);
    return;
  }
  if (page.items.length === 0) {
    ctx.io.out('no tasks\n');
    return;
  }
  const now = ctx.now();
  const rows = page.items.map((t) => [
    t['@id'],
    t.taskType,
    t.status,
    t.hostId,
    t.containerName,
    `${t.attempt}/${t.maxAttempts}`,
    ago(t.dateCreated, now),
    detailOf(t),
  ]);
  ctx.io.out(renderTable(['task', 'type', 'status', 'host', 'container', 'attempt', 'created', 'detail'], rows));
  if (page.next !== undefined) ctx.io.out(`(more: use --limit or filters to narrow the list)\n`);
}

function detailOf(task: Task): string {
  if (task.error !== undefined) return `${task.error.code}: ${task.error.message}`;
  if (task.progress !== undefined) return `${task.progress.phase}${task.progress.percent === undefined ? '' : ` ${Math.round(task.progress.percent)}%`}`;
  return dash(task.result?.state);
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw usageError(`${flag} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  return value as T;
}

export async function taskStats(ctx: CommandContext): Promise<void> {
  const stats = await ctx.client.taskStats();
  if (ctx.json) {
    printJson(ctx, stats);
    return;
  }
  const counts = (record: Record<string, number>) => Object.entries(record).map(([k, n]) => `${k} ${n}`).join(', ');
  let text = `total ${stats.total}\nby status: ${counts(stats.byStatus)}\nby type: ${counts(stats.byType)}\n`;
  const hosts = Object.entries(stats.byHost);
  if (hosts.length > 0) {
    const rows = hosts.map(([host, byStatus]) => [host, ...TASK_STATUSES.map((s) => String(byStatus[s]))]);
    text += `\n${renderTable(['host', ...TASK_STATUSES], rows)}`;
  }
  ctx.io.out(text);
}

export async function actOnTask(ctx: CommandContext, action: 'retry' | 'cancel', taskId: string): Promise<void> {
  const task = action === 'retry' ? await ctx.client.retryTask(taskId) : await ctx.client.cancelTask(taskId);
  if (ctx.json) printJson(ctx, task);
  else ctx.io.out(`task ${task['@id']} ${action === 'retry' ? 'queued again' : 'cancelled'}: ${task.status} (attempt ${task.attempt}/${task.maxAttempts})\n`);
}
