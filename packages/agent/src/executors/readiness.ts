/**
 * When a started container counts as deployed: it runs, and when it has a health check it has passed it.
 * A container that exits or turns unhealthy fails the task with its last log lines.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskResult } from '@graphium/shared';
import type { ContainerView } from '../docker/port.js';
import { DEFAULT_LOG_TAIL, type ExecutorContext } from './context.js';
import { healthDeadlineMs } from './healthProbe.js';
import { TaskFailure } from './taskFailure.js';

async function tailOf(ctx: ExecutorContext, id: string): Promise<string[]> {
  try {
    return await ctx.docker.containerLogs(id, ctx.logTail ?? DEFAULT_LOG_TAIL);
  } catch {
    return []; // the failure matters more than its logs
  }
}

async function exitedFailure(ctx: ExecutorContext, view: ContainerView | undefined, id: string): Promise<TaskFailure> {
  const how = view === undefined ? 'was removed' : view.exitCode === undefined ? `is ${view.status}` : `exited with code ${view.exitCode}`;
  return new TaskFailure('CONTAINER_EXITED', `container ${view?.name ?? id} ${how} instead of running`, { logs: await tailOf(ctx, id) });
}

export async function awaitReady(ctx: ExecutorContext, id: string): Promise<ContainerView> {
  const view = await ctx.docker.inspectContainer(id);
  if (view === undefined || view.status !== 'running') throw await exitedFailure(ctx, view, id);
  if (view.healthcheck === undefined) return settle(ctx, view);
  if (view.health === 'healthy') return view;
  ctx.progress({ phase: 'waiting-for-health' });
  const timeoutMs = healthDeadlineMs(view.healthcheck);
  const outcome = await ctx.docker.waitForHealth(id, { timeoutMs, signal: ctx.signal });
  const now = await ctx.docker.inspectContainer(id);
  switch (outcome) {
    case 'healthy':
    case 'no-healthcheck':
      if (now !== undefined && now.status === 'running') return now;
      throw await exitedFailure(ctx, now, id);
    case 'exited':
      throw await exitedFailure(ctx, now, id);
    case 'unhealthy':
    case 'timeout': {
      const why = outcome === 'unhealthy' ? 'is unhealthy' : `did not become healthy within ${Math.round(timeoutMs / 1000)} s`;
      const probe = now?.lastProbeOutput === undefined ? '' : ` (last probe: ${now.lastProbeOutput})`;
      throw new TaskFailure('HEALTHCHECK_FAILED', `container ${view.name} ${why}${probe}`, { logs: await tailOf(ctx, id) });
    }
  }
}

async function settle(ctx: ExecutorContext, view: ContainerView): Promise<ContainerView> {
  const settleMs = ctx.settleMs ?? 0;
  if (settleMs <= 0) return view;
  await sleep(settleMs, undefined, { signal: ctx.signal });
  const now = await ctx.docker.inspectContainer(view.id);
  if (now === undefined || now.status !== 'running') throw await exitedFailure(ctx, now, view.id);
  return now;
}

export function resultOf(view: ContainerView): TaskResult {
  return {
    containerId: view.id,
    ports: view.ports,
    state: view.status,
    ...(view.healthcheck === undefined ? {} : { healthy: view.health === 'healthy' }),
  };
}
