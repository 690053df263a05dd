import type { Issue } from '../errors.js';
import type { StackSpec } from '../models/stackSpec.js';
import { ValidationContext, type ValidationRule } from './context.js';
import { checkDependencies } from './dependencyGraph.js';
import { checkDeploymentSettings, checkHostConstraints, checkPinConsistency } from './deployment.js';
import { checkEnvironment } from './environment.js';
import { checkHealthChecks, checkHealthDependencies } from './healthChecks.js';
import { checkImages } from './images.js';
import { checkVolumeMounts } from './mounts.js';
import { checkContainerNames, checkStackName } from './names.js';
import { checkHostPortConflicts, checkPortValues } from './ports.js';
import { checkResources } from './resources.js';
import { checkRestartPolicies } from './restartPolicy.js';
import { SourceMap } from './sourceMap.js';

/** Every rule, in the order its errors are listed. Each rule reports all it finds; none stops the others. */
export const VALIDATION_RULES: readonly ValidationRule[] = [
  checkStackName,
  checkContainerNames,
  checkImages,
  checkPortValues,
  checkHostPortConflicts,
  checkEnvironment,
  checkVolumeMounts,
  checkHealthChecks,
  checkRestartPolicies,
  checkResources,
  checkDependencies,
  checkHealthDependencies,
  checkDeploymentSettings,
  checkHostConstraints,
  checkPinConsistency,
];

/**
 * The semantic checks of a normalized stack. Returns every error found (empty when the stack is valid).
 * With the source map a parser produced, paths name the user's file (`hasPart[2].ports[0].hostPort`);
 * without one they name the spec (`containers[2].ports[0].hostPort`).
 */
export function validateStack(spec: StackSpec, sources: SourceMap = new SourceMap()): Issue[] {
  const ctx = new ValidationContext(spec, sources);
  for (const rule of VALIDATION_RULES) rule(ctx);
  return ctx.issues;
}
