import { containerPath, type ValidationContext } from './context.js';
import { quote } from './describe.js';

/** Docker passes variables as `NAME=value` strings: a name with "=" (or an empty one) cannot round-trip. */
export function checkEnvironment(ctx: ValidationContext): void {
  ctx.spec.containers.forEach((container, k) => {
    for (const name of Object.keys(container.environment)) {
      const path = containerPath(k, 'environment', name);
      if (name === '') ctx.error(path, 'environment variable name must not be empty');
      else if (name.includes('=')) ctx.error(path, `environment variable name ${quote(name)} must not contain "="`);
      else if (name.includes('\u0000')) ctx.error(path, 'environment variable name must not contain a NUL character');
    }
    for (const key of Object.keys(container.labels)) {
      if (key === '') ctx.error(containerPath(k, 'labels', key), 'label key must not be empty');
    }
  });
}
