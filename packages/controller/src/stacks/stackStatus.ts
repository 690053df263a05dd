/**
 * A stack's status follows its tasks. Pure: given the stack, its deployment state and the tasks of its
 * current operation, it answers the new status, progress, per-container placements and error message.
 *
 * Failover (failover.ts) adds two things. Containers it left stranded on an offline host have no say in a
 * deploy or start: the others finishing makes the stack `degraded`, with a message naming each stranded
 * container and why. Cleanup tasks (removals of left-behind copies) never count. And a placed container
 * with no task at all of the operation keeps the operation in progress: a stack whose new operation is
 * written but whose tasks are not (yet) is never reported done.
 */
import type {
  AgentTaskDocument,
  ContainerPlacement,
  ContainerStatus,
  StackAction,
  StackStatus,
  StrandedContainer,
  TaskType,
} from '@graphium/shared';

/** The task type that carries out each stack action. */
export const ACTION_TASK: Record<StackAction, TaskType> = { deploy: 'deploy', stop: 'stop', start: 'start', remove: 'remove' };

const IN_PROGRESS: Record<StackAction, StackStatus> = {
  deploy: 'deploying',
  start: 'deploying',
  stop: 'stopping',
  remove: 'deleting',
};

const DONE: Record<StackAction, StackStatus | 'deleted'> = {
  deploy: 'running',
  start: 'running',
  stop: 'stopped',
  remove: 'deleted',
};

export interface StackProgress {
  /** `deleted`: every removal finished, the stack's metadata can go. */
  status: StackStatus | 'deleted';
  progress: number;
  placements: Record<string, ContainerPlacement>;
  errorMessage?: string | undefined;
}

function containerStatusOf(task: AgentTaskDocument, previous: ContainerStatus): ContainerStatus {
  switch (task.status) {
    case 'pending':
    case 'claimed':
      return task.taskType === 'deploy' ? 'pending' : previous;
    case 'running':
      if (task.progress !== undefined) return task.progress.phase;
      return task.taskType === 'stop' ? 'stopping' : task.taskType === 'remove' ? 'removing' : 'starting';
    case 'completed':
      if (task.taskType === 'stop') return 'stopped';
      if (task.taskType === 'remove') return 'removed';
      return task.result?.healthy === true ? 'healthy' : 'running';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return previous;
  }
}

/** How far one task got, 0..1. */
function doneFraction(task: AgentTaskDocument): number {
  if (task.status === 'completed' || task.status === 'failed') return 1;
  if (task.status === 'running') return 0.3 + 0.6 * ((task.progress?.percent ?? 0) / 100);
  if (task.status === 'claimed') return 0.1;
  return 0;
}

/** One line naming every stranded container and why, in name order. */
export function strandedMessage(stranded: Readonly<Record<string, StrandedContainer>>): string | undefined {
  const entries = Object.entries(stranded).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? undefined : entries.map(([, s]) => s.message).join('; ');
}

export function stackProgressOf(
  action: StackAction,
  tasks: readonly AgentTaskDocument[],
  placements: Readonly<Record<string, ContainerPlacement>>,
  stranded: Readonly<Record<string, StrandedContainer>> = {},
): StackProgress {
  const deploying = action === 'deploy' || action === 'start';
  const counts = (name: string) => !(deploying && stranded[name] !== undefined);
  const ofAction = tasks.filter((t) => t.taskType === ACTION_TASK[action] && t.cleanup !== true && counts(t.containerName));
  const own = ofAction.filter((t) => t.status !== 'cancelled');
  const withTask = new Set(ofAction.map((t) => t.containerName));
  const missing = Object.entries(placements).filter(([name, p]) => p.status !== 'removed' && counts(name) && !withTask.has(name)).length;
  const next: Record<string, ContainerPlacement> = { ...placements };
  for (const task of own) {
    const current = next[task.containerName];
    if (current === undefined) continue;
    const updated: ContainerPlacement = { ...current, taskId: task['@id'], status: containerStatusOf(task, current.status) };
    if (task.status === 'completed' && task.taskType === 'deploy') {
      if (task.result?.containerId !== undefined) updated.containerId = task.result.containerId;
      updated.ports = task.result?.ports ?? [];
      if (task.completedAt !== undefined) updated.startedAt = task.completedAt;
    }
    if (task.status === 'failed' && task.error !== undefined) updated.error = task.error;
    else delete updated.error;
    next[task.containerName] = updated;
  }
  const counted = own.length + missing;
  const progress = counted === 0 ? 100 : Math.round((100 * own.reduce((sum, t) => sum + doneFraction(t), 0)) / counted);
  const strandedNote = deploying ? strandedMessage(stranded) : undefined;
  const failed = own.filter((t) => t.status === 'failed');
  if (failed.length > 0) {
    const errorMessage = failed
      .map((t) => `container "${t.containerName}" on host "${t.hostId}" failed: ${t.error?.code ?? 'ERROR'}: ${t.error?.message ?? 'no detail'}`)
      .concat(strandedNote === undefined ? [] : [strandedNote])
      .join('; ');
    return { status: 'error', progress, placements: next, errorMessage };
  }
  const allDone = missing === 0 && own.every((t) => t.status === 'completed');
  if (!allDone) return { status: IN_PROGRESS[action], progress, placements: next, errorMessage: strandedNote };
  if (strandedNote !== undefined) return { status: 'degraded', progress, placements: next, errorMessage: strandedNote };
  return { status: DONE[action], progress, placements: next };
}
