import {
  HEALTH_CHECK_TYPES,
  type ContainerSpec,
  type HealthCheckSpec,
  type ResourcesSpec,
} from '../models/stackSpec.js';
import { jsonPath } from '../validation/jsonPath.js';
import type { SourceMap } from '../validation/sourceMap.js';
import {
  asArgv,
  asBoolean,
  asCpus,
  asHostRef,
  asInteger,
  asMemoryBytes,
  asNonEmptyString,
  asOneOf,
  asPortNumber,
  asRestartPolicy,
  asSeconds,
  asString,
} from './coerce.js';
import { healthCheckDefaults } from './defaults.js';
import { mergeDependencies, readDependencyList, type DependencyEntry } from './dependencies.js';
import type { Diagnostics } from './diagnostics.js';
import { readKeyValues, toStringMap, type KeyValue } from './keyValues.js';
import { recordList } from './located.js';
import { ObjectReader } from './objectReader.js';
import { readPortList, type PortEntry } from './portMappings.js';
import { readMountList, type MountEntry } from './volumeMounts.js';

/**
 * The container fields JSON-LD and EVE share (DESIGN §3.1 ContainerSpec), read once here so both formats
 * accept the same shapes and aliases. Real files use schema.org-flavoured aliases; each is read explicitly
 * (`containerPort` for ports, `environmentVariable` for environment, `volumeMount` for volumeMounts) and
 * merged with the canonical field when both appear, so nothing is dropped.
 */

/** Keys every JSON-LD node may carry without meaning anything to Graphium. */
export const BOOKKEEPING_KEYS = ['@type', '@id', '@context', 'comment', 'description'] as const;

export interface ContainerReadContext {
  diag: Diagnostics;
  sources: SourceMap;
  /** Where this container sits in the spec: `containers[3]`. */
  specPath: string;
  /** Turns an `@id` into a container name (JSON-LD graphs); unresolved references are kept as written. */
  resolveId?: (id: string) => string | undefined;
}

/**
 * Reads every canonical container field from `reader`. `extraDependencies` are dependencies the caller's
 * format expresses its own way (EVE requirements); they are merged with `dependsOn`. The caller reads its
 * format-specific fields and then calls `reader.finish()` to warn about the rest.
 */
export function readContainerFields(
  reader: ObjectReader,
  ctx: ContainerReadContext,
  extraDependencies: readonly DependencyEntry[] = [],
): ContainerSpec {
  const { diag, sources, specPath } = ctx;
  const field = (specField: string, sourceKey: string): void =>
    sources.record(jsonPath(specPath, specField), reader.pathOf(sourceKey));
  sources.record(specPath, reader.path);
  reader.accept('@type', '@context', 'comment');

  const container: ContainerSpec = {
    name: reader.require('name', asNonEmptyString) ?? '',
    image: reader.require('image', asNonEmptyString) ?? '',
    ports: [],
    environment: {},
    volumeMounts: [],
    dependsOn: [],
    labels: {},
  };
  field('name', 'name');
  field('image', 'image');

  const id = reader.read('@id', asString);
  if (id !== undefined) container.id = id;
  const description = reader.read('description', asString);
  if (description !== undefined) container.description = description;

  const ports = aliased<PortEntry>(reader, ['ports', 'containerPort'], (value, path) => readPortList(value, path, diag));
  field('ports', ports.key);
  container.ports = recordList(ports.entries, jsonPath(specPath, 'ports'), sources);

  const environment = aliased<KeyValue>(reader, ['environment', 'environmentVariable'], (value, path) =>
    readKeyValues(value, path, diag, { what: 'environment variable' }),
  );
  field('environment', environment.key);
  container.environment = toStringMap(environment.entries, jsonPath(specPath, 'environment'), sources, diag, 'environment variable');

  const mounts = aliased<MountEntry>(reader, ['volumeMounts', 'volumeMount'], (value, path) => readMountList(value, path, diag));
  field('volumeMounts', mounts.key);
  container.volumeMounts = recordList(mounts.entries, jsonPath(specPath, 'volumeMounts'), sources);

  const healthCheck = readHealthCheck(reader, ctx, container);
  if (healthCheck !== undefined) container.healthCheck = healthCheck;

  const host = reader.read('locatedInHost', asHostRef);
  field('host', 'locatedInHost');
  if (host !== undefined) container.host = host;

  const dependsOnValue = reader.take('dependsOn');
  const dependencies =
    dependsOnValue === undefined ? [] : readDependencyList(dependsOnValue, reader.pathOf('dependsOn'), diag, ctx.resolveId);
  field('dependsOn', 'dependsOn');
  container.dependsOn = recordList(mergeDependencies([...dependencies, ...extraDependencies]), jsonPath(specPath, 'dependsOn'), sources);

  const restartPolicy = reader.read('restartPolicy', asRestartPolicy);
  field('restartPolicy', 'restartPolicy');
  if (restartPolicy !== undefined) container.restartPolicy = restartPolicy;

  for (const key of ['entrypoint', 'command', 'args'] as const) {
    const argv = reader.read(key, asArgv);
    field(key, key);
    if (argv !== undefined) container[key] = argv;
  }
  for (const key of ['workingDir', 'user', 'networkMode'] as const) {
    const text = reader.read(key, asString);
    field(key, key);
    if (text !== undefined) container[key] = text;
  }
  const privileged = reader.read('privileged', asBoolean);
  field('privileged', 'privileged');
  if (privileged !== undefined) container.privileged = privileged;

  const labelsValue = reader.take('labels');
  if (labelsValue !== undefined) {
    const labels = readKeyValues(labelsValue, reader.pathOf('labels'), diag, { what: 'label', missing: () => '' });
    container.labels = toStringMap(labels, jsonPath(specPath, 'labels'), sources, diag, 'label');
  }
  field('labels', 'labels');

  const resourcesValue = reader.take('resources');
  if (resourcesValue !== undefined) {
    const resources = readResources(resourcesValue, reader.pathOf('resources'), jsonPath(specPath, 'resources'), ctx);
    if (resources !== undefined) container.resources = resources;
  }
  field('resources', 'resources');
  return container;
}

/** Reads a field and its alias; both lists are kept (canonical first). `key` is the one to point errors at. */
function aliased<T>(
  reader: ObjectReader,
  keys: readonly [canonical: string, alias: string],
  read: (value: unknown, path: string) => T[],
): { key: string; entries: T[] } {
  const [canonical, alias] = keys;
  const entries: T[] = [];
  for (const key of keys) {
    const value = reader.take(key);
    if (value !== undefined) entries.push(...read(value, reader.pathOf(key)));
  }
  return { key: reader.has(canonical) || !reader.has(alias) ? canonical : alias, entries };
}

const asHealthCheckType = asOneOf(HEALTH_CHECK_TYPES, 'health check type');

/**
 * `healthCheck {type, path, port, command, interval, timeout, retries, startPeriod}`, durations in seconds
 * (or "30s"-style strings). Without `type` it is inferred: a command means exec, a path means http, a port
 * alone means tcp. An http or tcp check without a port checks the container's first port. An exec command
 * given as one string is a shell command line (`shell: true`); a list is run as it is.
 */
function readHealthCheck(parent: ObjectReader, ctx: ContainerReadContext, container: ContainerSpec): HealthCheckSpec | undefined {
  const value = parent.take('healthCheck');
  const specPath = jsonPath(ctx.specPath, 'healthCheck');
  ctx.sources.record(specPath, parent.pathOf('healthCheck'));
  if (value === undefined) return undefined;
  const reader = ObjectReader.open(value, parent.pathOf('healthCheck'), ctx.diag);
  if (reader === undefined) return undefined;
  reader.accept(...BOOKKEEPING_KEYS);
  const record = (key: string): void => ctx.sources.record(jsonPath(specPath, key), reader.pathOf(key));

  const check: HealthCheckSpec = { type: 'exec', ...healthCheckDefaults() };
  const inferred = reader.has('command') ? 'exec' : reader.has('path') ? 'http' : reader.has('port') ? 'tcp' : undefined;
  if (!reader.has('type') && inferred === undefined) {
    ctx.diag.error(reader.pathOf('type'), 'health check "type" is required (http, tcp or exec)');
  }
  const type = reader.has('type') ? reader.read('type', asHealthCheckType) : inferred;
  const path = reader.read('path', asString);
  const port = reader.read('port', asPortNumber);
  const commandValue = reader.take('command');
  const command =
    commandValue === undefined ? undefined : typeof commandValue === 'string' ? [commandValue] : asArgv(commandValue, reader.pathOf('command'), ctx.diag);
  for (const key of ['type', 'path', 'port', 'command', 'interval', 'timeout', 'retries', 'startPeriod']) record(key);
  for (const key of ['interval', 'timeout', 'startPeriod'] as const) {
    const seconds = reader.read(key, asSeconds);
    if (seconds !== undefined) check[key] = seconds;
  }
  const retries = reader.read('retries', asInteger());
  if (retries !== undefined) check.retries = retries;
  reader.finish();
  if (type === undefined) return undefined;
  check.type = type;
  if (path !== undefined) check.path = path;
  if (command !== undefined) check.command = command;
  if (typeof commandValue === 'string') check.shell = true;
  if (port !== undefined) check.port = port;
  else if ((type === 'http' || type === 'tcp') && container.ports[0] !== undefined) {
    check.port = container.ports[0].containerPort;
    ctx.sources.record(jsonPath(specPath, 'port'), ctx.sources.resolve(jsonPath(ctx.specPath, 'ports', 0)));
  }
  return check;
}

/** `resources {limits {cpus, memory}, reservations {cpus, memory}}`; memory in bytes or "512m"-style sizes. */
export function readResources(value: unknown, path: string, specPath: string, ctx: Pick<ContainerReadContext, 'diag' | 'sources'>): ResourcesSpec | undefined {
  const reader = ObjectReader.open(value, path, ctx.diag);
  if (reader === undefined) return undefined;
  reader.accept(...BOOKKEEPING_KEYS);
  const resources: ResourcesSpec = {};
  for (const kind of ['limits', 'reservations'] as const) {
    const amountsValue = reader.take(kind);
    ctx.sources.record(jsonPath(specPath, kind), reader.pathOf(kind));
    if (amountsValue === undefined) continue;
    const amounts = ObjectReader.open(amountsValue, reader.pathOf(kind), ctx.diag);
    if (amounts === undefined) continue;
    amounts.accept(...BOOKKEEPING_KEYS);
    const cpus = amounts.read('cpus', asCpus);
    const memory = amounts.read('memory', asMemoryBytes);
    for (const key of ['cpus', 'memory']) ctx.sources.record(jsonPath(specPath, kind, key), amounts.pathOf(key));
    amounts.finish();
    resources[kind] = {
      ...(cpus === undefined ? {} : { cpus }),
      ...(memory === undefined ? {} : { memory }),
    };
  }
  reader.finish();
  return resources;
}
