import { containerPath, type ValidationContext } from './context.js';
import { quote } from './describe.js';
import { envPrefix } from '../wiring.js';
import { DOCKER_NAME } from './dockerNames.js';

const NAME_RULE = 'letters, digits, "_", "." and "-", starting with a letter or digit';

export function checkStackName(ctx: ValidationContext): void {
  const { name } = ctx.spec;
  if (typeof name !== 'string' || name === '') ctx.error('name', 'stack name is required');
  else if (!DOCKER_NAME.test(name)) {
    ctx.error('name', `stack name ${quote(name)} is not usable in Docker container names: ${NAME_RULE}`);
  }
}

export function checkContainerNames(ctx: ValidationContext): void {
  if (ctx.spec.containers.length === 0) ctx.error('containers', 'the stack has no containers');
  const byName = new Map<string, number>();
  const byPrefix = new Map<string, number>();
  ctx.spec.containers.forEach((container, index) => {
    const { name } = container;
    const path = containerPath(index, 'name');
    if (typeof name !== 'string' || name === '') {
      ctx.error(path, 'container name is required');
      return;
    }
    if (!DOCKER_NAME.test(name)) {
      ctx.error(path, `container name ${quote(name)} is not usable as a Docker container name: ${NAME_RULE}`);
      return;
    }
    const first = byName.get(name);
    if (first !== undefined) {
      ctx.error(path, `duplicate container name ${quote(name)} (first used at ${ctx.where(containerPath(first))})`);
      return;
    }
    byName.set(name, index);
    // Dependents get {NAME}_HOST/_PORT/_ENDPOINT (DESIGN §7); two names with one prefix would overwrite
    // each other's wiring.
    const prefix = envPrefix(name);
    const clash = byPrefix.get(prefix);
    if (clash !== undefined) {
      const other = ctx.spec.containers[clash]?.name ?? '';
      ctx.error(
        path,
        `container names ${quote(other)} and ${quote(name)} both give the wiring variables ${prefix}_HOST/_PORT/_ENDPOINT; rename one`,
      );
      return;
    }
    byPrefix.set(prefix, index);
  });
}
