import { RESTART_POLICIES } from '../models/stackSpec.js';
import { containerPath, type ValidationContext } from './context.js';
import { mustBeOneOf } from './describe.js';

export function checkRestartPolicies(ctx: ValidationContext): void {
  ctx.spec.containers.forEach((container, k) => {
    const policy = container.restartPolicy;
    if (policy !== undefined && !(RESTART_POLICIES as readonly string[]).includes(policy)) {
      ctx.error(containerPath(k, 'restartPolicy'), `restart policy ${mustBeOneOf(RESTART_POLICIES, policy)}`);
    }
  });
}
