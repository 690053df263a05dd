import type { ContainerSpec, ResourcesSpec } from '../models/stackSpec.js';
import { quote } from '../validation/describe.js';
import { jsonPath } from '../validation/jsonPath.js';
import { asCpus, asInteger, asMemoryBytes, asString, type RestartPolicy } from './coerce.js';
import { readPlacementConstraints } from './composePlacement.js';
import type { ComposeStackContext } from './composeService.js';
import { readResources } from './containerFields.js';
import type { Diagnostics } from './diagnostics.js';
import type { FormatContext } from './formatContext.js';
import { ObjectReader } from './objectReader.js';

/**
 * Where and with what a compose service runs: `deploy` (resources, placement constraints, swarm restart
 * policy) and the older service-level spellings `cpus`, `mem_limit`, `mem_reservation`. What Graphium cannot
 * do — several replicas, global mode — is refused rather than quietly deployed once.
 */

/** Service-level `cpus`, `mem_limit`, `mem_reservation` (older compose spelling of deploy.resources). */
export function readServiceResources(reader: ObjectReader, container: ContainerSpec, specPath: string, ctx: FormatContext): void {
  const cpus = reader.read('cpus', asCpus);
  const memLimit = reader.read('mem_limit', asMemoryBytes);
  const memReservation = reader.read('mem_reservation', asMemoryBytes);
  const resources: ResourcesSpec = {};
  if (cpus !== undefined || memLimit !== undefined) {
    resources.limits = { ...(cpus === undefined ? {} : { cpus }), ...(memLimit === undefined ? {} : { memory: memLimit }) };
    ctx.sources.record(jsonPath(specPath, 'resources', 'limits', 'cpus'), reader.pathOf('cpus'));
    ctx.sources.record(jsonPath(specPath, 'resources', 'limits', 'memory'), reader.pathOf('mem_limit'));
  }
  if (memReservation !== undefined) {
    resources.reservations = { memory: memReservation };
    ctx.sources.record(jsonPath(specPath, 'resources', 'reservations', 'memory'), reader.pathOf('mem_reservation'));
  }
  if (resources.limits !== undefined || resources.reservations !== undefined) container.resources = resources;
}

/** `deploy`: resources and placement are honoured; replicas other than 1 and global mode are refused. */
export function readDeploy(value: unknown, path: string, serviceName: string, container: ContainerSpec, specPath: string, ctx: ComposeStackContext): void {
  const { diag, sources } = ctx;
  const reader = ObjectReader.open(value, path, diag);
  if (reader === undefined) return;
  const replicas = reader.read('replicas', asInteger());
  if (replicas !== undefined && replicas !== 1) {
    diag.error(reader.pathOf('replicas'), `replicas ${replicas} is not supported: Graphium runs one container per service`);
  }
  const mode = reader.read('mode', asString);
  if (mode !== undefined && mode !== 'replicated') {
    diag.error(reader.pathOf('mode'), `mode ${quote(mode)} is not supported: Graphium runs one container per service`);
  }
  const resources = reader.take('resources');
  if (resources !== undefined) {
    const parsed = readResources(resources, reader.pathOf('resources'), jsonPath(specPath, 'resources'), ctx);
    // deploy.resources is the current spelling; where both are given it wins, field by field.
    if (parsed !== undefined) {
      const merged: ResourcesSpec = {};
      for (const kind of ['limits', 'reservations'] as const) {
        const amounts = { ...container.resources?.[kind], ...parsed[kind] };
        if (Object.keys(amounts).length > 0) merged[kind] = amounts;
      }
      container.resources = merged;
    }
  }
  const restartPolicy = reader.take('restart_policy');
  if (restartPolicy !== undefined && container.restartPolicy === undefined) {
    const policy = readSwarmRestartPolicy(restartPolicy, reader.pathOf('restart_policy'), diag);
    sources.record(jsonPath(specPath, 'restartPolicy'), reader.pathOf('restart_policy'));
    if (policy !== undefined) container.restartPolicy = policy;
  }
  const placement = reader.take('placement');
  if (placement !== undefined) {
    const placementReader = ObjectReader.open(placement, reader.pathOf('placement'), diag);
    const constraints = placementReader?.take('constraints');
    if (placementReader !== undefined && constraints !== undefined) {
      const parsed = readPlacementConstraints(constraints, placementReader.pathOf('constraints'), serviceName, ctx);
      if (parsed.host !== undefined) {
        container.host = parsed.host.value;
        sources.record(jsonPath(specPath, 'host'), parsed.host.path);
      }
      if (parsed.constraint !== undefined) ctx.addConstraint(parsed.constraint.value, parsed.constraint.path);
    }
    placementReader?.finish((key) => `placement ${key} ignored: only constraints are supported`);
  }
  if (reader.has('labels')) diag.warn(reader.pathOf('labels'), 'deploy.labels are swarm service labels and are ignored; use the service\'s labels');
  reader.finish((key) => `unsupported deploy key "${key}" ignored`);
}

/** Swarm's `restart_policy.condition` (none | on-failure | any), used when the service has no `restart`. */
function readSwarmRestartPolicy(value: unknown, path: string, diag: Diagnostics): RestartPolicy | undefined {
  const reader = ObjectReader.open(value, path, diag);
  if (reader === undefined) return undefined;
  const condition = reader.read('condition', asString);
  for (const key of ['delay', 'max_attempts', 'window']) {
    if (reader.has(key)) diag.warn(reader.pathOf(key), `restart_policy.${key} ignored`);
  }
  reader.finish((key) => `unsupported restart_policy key "${key}" ignored`);
  if (condition === undefined) return 'always';
  const policy = ({ none: 'no', 'on-failure': 'on-failure', any: 'always' } as const)[condition as 'none' | 'on-failure' | 'any'];
  if (policy === undefined) diag.error(reader.pathOf('condition'), `condition must be none, on-failure or any; got ${quote(condition)}`);
  return policy;
}
