import { containerPath, type ValidationContext } from './context.js';
import { quote } from './describe.js';
import { parseImageReference } from './imageReference.js';

export function checkImages(ctx: ValidationContext): void {
  ctx.spec.containers.forEach((container, k) => {
    if (typeof container.image !== 'string' || container.image === '') {
      ctx.error(containerPath(k, 'image'), 'image is required');
      return;
    }
    const result = parseImageReference(container.image);
    if (!result.ok) ctx.error(containerPath(k, 'image'), `image ${quote(container.image)} ${result.reason}`);
  });
}
