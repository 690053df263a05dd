import { HEALTH_CHECK_TYPES } from '../models/stackSpec.js';
import { containerPath, type ValidationContext } from './context.js';
import { mustBeOneOf, quote } from './describe.js';

export function checkHealthChecks(ctx: ValidationContext): void {
  ctx.spec.containers.forEach((container, k) => {
    const check = container.healthCheck;
    if (check === undefined) return;
    const at = (field: string): string => containerPath(k, 'healthCheck', field);
    if (!(HEALTH_CHECK_TYPES as readonly string[]).includes(check.type)) {
      ctx.error(at('type'), `health check type ${mustBeOneOf(HEALTH_CHECK_TYPES, check.type)}`);
      return;
    }
    if (check.type === 'http' || check.type === 'tcp') {
      if (check.port === undefined) {
        const hint = container.ports.length === 0 ? ' (the container has no port to default to)' : '';
        ctx.error(at('port'), `an ${check.type} health check needs a port${hint}`);
      } else if (!Number.isInteger(check.port) || check.port < 1 || check.port > 65535) {
        ctx.error(at('port'), `health check port ${String(check.port)} is not in 1..65535`);
      }
    }
    if (check.type === 'http' && check.path !== undefined && !check.path.startsWith('/')) {
      ctx.error(at('path'), `health check path ${quote(check.path)} must start with "/"`);
    }
    if (check.type === 'exec' && (check.command === undefined || check.command.length === 0)) {
      ctx.error(at('command'), 'an exec health check needs a command');
    }
    for (const field of ['interval', 'timeout'] as const) {
      if (!(check[field] > 0)) ctx.error(at(field), `health check ${field} must be more than 0 seconds`);
    }
    if (!(check.startPeriod >= 0)) ctx.error(at('startPeriod'), 'health check startPeriod must not be negative');
    if (!Number.isInteger(check.retries) || check.retries < 0) {
      ctx.error(at('retries'), 'health check retries must be a whole number, 0 or more');
    }
  });
}

/** Waiting for a dependency to be healthy needs a health check on it, or the dependent would wait forever. */
export function checkHealthDependencies(ctx: ValidationContext): void {
  const byName = new Map(ctx.spec.containers.map((c) => [c.name, c]));
  ctx.spec.containers.forEach((container, k) => {
    container.dependsOn.forEach((dependency, m) => {
      if (dependency.condition !== 'healthy') return;
      const target = byName.get(dependency.name);
      if (target === undefined || target.healthCheck !== undefined) return;
      ctx.error(
        containerPath(k, 'dependsOn', m),
        `waits for ${quote(dependency.name)} to be healthy, but ${quote(dependency.name)} has no healthCheck`,
      );
    });
  });
}
