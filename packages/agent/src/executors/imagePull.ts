/**
 * Makes the image present per the pull policy: `if-not-present` (default) pulls only a missing image, so
 * images already on the host never need a registry; `never` fails at once without it; `always` pulls.
 */
import type { PullPolicy } from '@graphium/shared';
import { isDockerError } from '../docker/port.js';
import type { ExecutorContext } from './context.js';
import { TaskFailure } from './taskFailure.js';

export async function ensureImage(ctx: ExecutorContext, image: string, policy: PullPolicy): Promise<void> {
  if (policy !== 'always' && (await ctx.docker.inspectImage(image)) !== undefined) return;
  if (policy === 'never') {
    throw new TaskFailure('IMAGE_NOT_FOUND', `image ${image} is not on this host and the pull policy is "never"`);
  }
  ctx.progress({ phase: 'pulling', message: image });
  try {
    await ctx.docker.pullImage(image, ctx.signal);
  } catch (error) {
    if (isDockerError(error, 'image-not-found')) {
      throw new TaskFailure('IMAGE_NOT_FOUND', `image ${image} cannot be pulled on this host: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
