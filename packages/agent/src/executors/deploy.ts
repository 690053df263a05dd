/**
 * Deploy one container, idempotently (DESIGN.md §8, STYLE.md rule 10): a running container of this name with
 * the same spec and environment hashes is adopted; any other container of this name that Graphium manages
 * is replaced; there is never a second copy, because the name is the identity. The image is made present
 * before the old container goes, so a deploy that cannot get its image leaves the running one alone.
 */
import { parseImageReference, type AgentTaskDocument, type DeployPayload, type TaskResult } from '@graphium/shared';
import { isDockerError, type ContainerCreateSpec, type ContainerView } from '../docker/port.js';
import type { ExecutorContext } from './context.js';
import { createSpecOf } from './createSpec.js';
import { enforcePolicy } from './hostPolicy.js';
import { ensureImage } from './imagePull.js';
import { LABEL } from './labels.js';
import { findManaged, removeIfPresent } from './managedContainer.js';
import { assertPortsFree } from './portConflicts.js';
import { awaitReady, resultOf } from './readiness.js';
import { TaskFailure } from './taskFailure.js';

function adoptable(existing: ContainerView, wanted: ContainerCreateSpec): boolean {
  return (
    existing.labels[LABEL.specHash] === wanted.labels[LABEL.specHash] &&
    existing.labels[LABEL.envHash] === wanted.labels[LABEL.envHash] &&
    existing.status === 'running' &&
    existing.health !== 'unhealthy'
  );
}

async function startFresh(ctx: ExecutorContext, wanted: ContainerCreateSpec): Promise<string> {
  ctx.progress({ phase: 'creating' });
  const id = await ctx.docker.createContainer(wanted);
  ctx.signal.throwIfAborted();
  ctx.progress({ phase: 'starting' });
  try {
    await ctx.docker.startContainer(id);
  } catch (error) {
    // A container that can never start is not left behind for the next attempt to trip over.
    if (isDockerError(error, 'port-in-use')) {
      await removeIfPresent(ctx.docker, id);
      throw new TaskFailure('PORT_CONFLICT', error.message, { cause: error });
    }
    if (isDockerError(error, 'invalid')) {
      await removeIfPresent(ctx.docker, id);
      throw new TaskFailure('SPEC_INVALID', error.message, { cause: error });
    }
    throw error;
  }
  return id;
}

export async function deploy(task: AgentTaskDocument, payload: DeployPayload, ctx: ExecutorContext): Promise<TaskResult> {
  const spec = payload.containerSpec;
  enforcePolicy(spec, ctx.policy);
  const reference = parseImageReference(spec.image);
  if (!reference.ok) throw new TaskFailure('IMAGE_INVALID', `image "${spec.image}" ${reference.reason}`);
  const wanted = createSpecOf(task, payload);

  const existing = await findManaged(ctx.docker, payload.containerName);
  if (existing !== undefined && adoptable(existing, wanted)) {
    ctx.log.info({ event: 'container.adopted', containerId: existing.id, container: wanted.name });
    return resultOf(await awaitReady(ctx, existing.id));
  }

  await ensureImage(ctx, spec.image, payload.pullPolicy);
  ctx.signal.throwIfAborted();
  if (wanted.network !== undefined) {
    const labels = { [LABEL.managed]: 'true', [LABEL.stack]: wanted.labels[LABEL.stack] ?? '' };
    const network = await ctx.docker.ensureNetwork(wanted.network, labels);
    if (network.created) ctx.log.info({ event: 'network.created', network: wanted.network });
  }
  if (existing !== undefined) {
    ctx.progress({ phase: 'removing', message: 'replacing the previous container' });
    await removeIfPresent(ctx.docker, existing.id);
    ctx.log.info({ event: 'container.replaced', containerId: existing.id, container: wanted.name, previousSpecHash: existing.labels[LABEL.specHash] });
  }
  await assertPortsFree(ctx.docker, wanted);
  const id = await startFresh(ctx, wanted);
  const ready = await awaitReady(ctx, id);
  ctx.log.info({ event: 'container.deployed', containerId: id, container: wanted.name });
  return resultOf(ready);
}
