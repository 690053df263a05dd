import { containerPath, type ValidationContext } from './context.js';

export function checkResources(ctx: ValidationContext): void {
  ctx.spec.containers.forEach((container, k) => {
    const { resources } = container;
    if (resources === undefined) return;
    for (const kind of ['limits', 'reservations'] as const) {
      const amounts = resources[kind];
      if (amounts === undefined) continue;
      if (amounts.cpus !== undefined && !(amounts.cpus > 0)) {
        ctx.error(containerPath(k, 'resources', kind, 'cpus'), 'cpus must be more than 0');
      }
      if (amounts.memory !== undefined && !(Number.isInteger(amounts.memory) && amounts.memory > 0)) {
        ctx.error(containerPath(k, 'resources', kind, 'memory'), 'memory must be a positive number of bytes');
      }
    }
    const { limits, reservations } = resources;
    for (const field of ['cpus', 'memory'] as const) {
      const limit = limits?.[field];
      const reserved = reservations?.[field];
      if (limit !== undefined && reserved !== undefined && reserved > limit) {
        ctx.error(
          containerPath(k, 'resources', 'reservations', field),
          `reserved ${field} (${reserved}) exceed the limit (${limit})`,
        );
      }
    }
  });
}
