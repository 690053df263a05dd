import { VOLUME_TYPES } from '../models/stackSpec.js';
import { containerPath, type ValidationContext } from './context.js';
import { mustBeOneOf, quote } from './describe.js';
import { DOCKER_VOLUME_NAME } from './dockerNames.js';

/**
 * Bind sources must be absolute: a relative path (compose's `./data`) would be resolved on whichever host
 * the container lands on, not beside the file the user wrote, so it is refused rather than guessed.
 */
export function checkVolumeMounts(ctx: ValidationContext): void {
  ctx.spec.containers.forEach((container, k) => {
    const targets = new Map<string, number>();
    container.volumeMounts.forEach((mount, m) => {
      const at = (field?: string): string =>
        field === undefined ? containerPath(k, 'volumeMounts', m) : containerPath(k, 'volumeMounts', m, field);
      if (!(VOLUME_TYPES as readonly string[]).includes(mount.type)) {
        ctx.error(at('type'), `mount type ${mustBeOneOf(VOLUME_TYPES, mount.type)}`);
      }
      if (!mount.target.startsWith('/')) {
        ctx.error(at('target'), `mount target ${quote(mount.target)} must be an absolute path in the container`);
      } else {
        const first = targets.get(mount.target);
        if (first !== undefined) {
          ctx.error(at('target'), `mount target ${quote(mount.target)} is already used by ${ctx.where(containerPath(k, 'volumeMounts', first))}`);
        } else targets.set(mount.target, m);
      }
      const { source } = mount;
      if (mount.type === 'bind') {
        if (source === undefined || source === '') ctx.error(at('source'), 'a bind mount needs a source path on the host');
        else if (!source.startsWith('/')) {
          ctx.error(
            at('source'),
            `bind source ${quote(source)} must be an absolute host path: a relative path would resolve on whichever host runs the container`,
          );
        }
      } else if (mount.type === 'tmpfs' && source !== undefined) {
        ctx.error(at('source'), 'a tmpfs mount has no source');
      } else if (mount.type === 'volume' && source !== undefined && !DOCKER_VOLUME_NAME.test(source)) {
        const hint = source.includes('/') ? ' (for a host directory use type "bind" with an absolute path)' : '';
        ctx.error(at('source'), `volume name ${quote(source)} is not a valid Docker volume name${hint}`);
      }
    });
  });
}
