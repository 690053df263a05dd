/**
 * Stop, start, restart and remove of the container a target task names. Each is idempotent where the
 * outcome is already there: stopping a stopped or missing container and removing a missing one succeed.
 * Starting or restarting needs the container, which only a deploy can make.
 */
import type { TargetPayload, TaskResult } from '@graphium/shared';
import { isDockerError, type ContainerView } from '../docker/port.js';
import type { ExecutorContext } from './context.js';
import { LABEL } from './labels.js';
import { findManaged, removeIfPresent } from './managedContainer.js';
import { awaitReady, resultOf } from './readiness.js';
import { TaskFailure } from './taskFailure.js';

const DEFAULT_NETWORKS = new Set(['bridge', 'host', 'none', 'default']);

async function mustExist(ctx: ExecutorContext, name: string, verb: string): Promise<ContainerView> {
  const view = await findManaged(ctx.docker, name);
  if (view === undefined) {
    throw new TaskFailure('SPEC_INVALID', `cannot ${verb} ${name}: there is no such container on this host (deploy the stack again)`);
  }
  return view;
}

/** Port errors while starting mean another container took the port meanwhile. */
async function startingPortSafe(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (isDockerError(error, 'port-in-use')) throw new TaskFailure('PORT_CONFLICT', error.message, { cause: error });
    if (isDockerError(error, 'invalid')) throw new TaskFailure('SPEC_INVALID', error.message, { cause: error });
    throw error;
  }
}

export async function stop(payload: TargetPayload, ctx: ExecutorContext): Promise<TaskResult> {
  const view = await findManaged(ctx.docker, payload.containerName);
  if (view === undefined) return { ports: [], state: 'missing' };
  ctx.progress({ phase: 'stopping' });
  try {
    await ctx.docker.stopContainer(view.id, payload.stopTimeoutSeconds);
  } catch (error) {
    if (isDockerError(error, 'not-found')) return { ports: [], state: 'missing' };
    throw error;
  }
  const after = await ctx.docker.inspectContainer(view.id);
  return { containerId: view.id, ports: [], state: after?.status ?? 'missing' };
}

export async function start(payload: TargetPayload, ctx: ExecutorContext): Promise<TaskResult> {
  const view = await mustExist(ctx, payload.containerName, 'start');
  if (view.status !== 'running') {
    ctx.progress({ phase: 'starting' });
    await startingPortSafe(() => ctx.docker.startContainer(view.id));
  }
  return resultOf(await awaitReady(ctx, view.id));
}

export async function restart(payload: TargetPayload, ctx: ExecutorContext): Promise<TaskResult> {
  const view = await mustExist(ctx, payload.containerName, 'restart');
  ctx.progress({ phase: 'stopping' });
  await startingPortSafe(() => ctx.docker.restartContainer(view.id, payload.stopTimeoutSeconds));
  return resultOf(await awaitReady(ctx, view.id));
}

export async function remove(payload: TargetPayload, ctx: ExecutorContext): Promise<TaskResult> {
  const view = await findManaged(ctx.docker, payload.containerName);
  if (view === undefined) return { ports: [], state: 'removed' };
  if (view.status === 'running') {
    // Graceful first, honouring the timeout; the forced removal then only cleans up.
    ctx.progress({ phase: 'stopping' });
    try {
      await ctx.docker.stopContainer(view.id, payload.stopTimeoutSeconds);
    } catch (error) {
      if (!isDockerError(error, 'not-found')) throw error;
    }
  }
  ctx.progress({ phase: 'removing' });
  await removeIfPresent(ctx.docker, view.id);
  for (const network of view.networks.filter((name) => !DEFAULT_NETWORKS.has(name))) {
    const removed = await ctx.docker.removeNetworkIfUnused(network, { [LABEL.managed]: 'true' });
    if (removed) ctx.log.info({ event: 'network.removed', network });
  }
  return { containerId: view.id, ports: [], state: 'removed' };
}
