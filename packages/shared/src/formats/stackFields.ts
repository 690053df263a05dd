import {
  DEPLOYMENT_MODES,
  NETWORK_MODES,
  PLACEMENT_STRATEGIES,
  type DeploymentSpec,
  type HostConstraint,
  type NetworkSpec,
  type VolumeSpec,
} from '../models/stackSpec.js';
import { describeValue } from '../validation/describe.js';
import { jsonPath } from '../validation/jsonPath.js';
import type { SourceMap } from '../validation/sourceMap.js';
import { asBoolean, asCpus, asHostRef, asMemoryBytes, asNonEmptyString, asOneOf, asString, eachOf } from './coerce.js';
import { BOOKKEEPING_KEYS } from './containerFields.js';
import { deploymentDefaults, networkDefaults } from './defaults.js';
import type { Diagnostics } from './diagnostics.js';
import { readKeyValues, toStringMap } from './keyValues.js';
import { ObjectReader, isPlainObject } from './objectReader.js';

/** Stack-level parts JSON-LD and EVE share: network, volumes, deployment (compose reuses deployment). */

export interface StackReadContext {
  diag: Diagnostics;
  sources: SourceMap;
}

function readStringMap(reader: ObjectReader, key: string, specPath: string, ctx: StackReadContext, what: string): Record<string, string> {
  const value = reader.take(key);
  ctx.sources.record(specPath, reader.pathOf(key));
  if (value === undefined) return {};
  const entries = readKeyValues(value, reader.pathOf(key), ctx.diag, { what, missing: () => '' });
  return toStringMap(entries, specPath, ctx.sources, ctx.diag, what);
}

/**
 * `network`: a name, or `{name, driver, createIfNotExists, external, subnet, gateway, ipRange, options,
 * labels}`. An external network exists already, so unless told otherwise it is not created.
 */
export function readNetwork(value: unknown, path: string, ctx: StackReadContext): NetworkSpec | undefined {
  ctx.sources.record('network', path);
  if (typeof value === 'string') {
    const name = asNonEmptyString(value, path, ctx.diag);
    return name === undefined ? undefined : { name, ...networkDefaults() };
  }
  const reader = ObjectReader.open(value, path, ctx.diag, 'a network name or object');
  if (reader === undefined) return undefined;
  reader.accept(...BOOKKEEPING_KEYS);
  const network: NetworkSpec = { name: reader.require('name', asNonEmptyString) ?? '', ...networkDefaults() };
  const driver = reader.read('driver', asNonEmptyString);
  if (driver !== undefined) network.driver = driver;
  const external = reader.read('external', asBoolean);
  if (external !== undefined) network.external = external;
  network.createIfNotExists = reader.read('createIfNotExists', asBoolean) ?? !network.external;
  for (const key of ['subnet', 'gateway', 'ipRange'] as const) {
    const text = reader.read(key, asString);
    if (text !== undefined) network[key] = text;
  }
  for (const key of ['name', 'driver', 'external', 'createIfNotExists', 'subnet', 'gateway', 'ipRange']) {
    ctx.sources.record(jsonPath('network', key), reader.pathOf(key));
  }
  network.options = readStringMap(reader, 'options', 'network.options', ctx, 'network option');
  network.labels = readStringMap(reader, 'labels', 'network.labels', ctx, 'label');
  reader.finish();
  return network;
}

/** `volumes`: a list of names or `{name, driver, labels}` objects, or a map from name to `{driver, labels}`. */
export function readVolumes(value: unknown, path: string, ctx: StackReadContext): VolumeSpec[] {
  ctx.sources.record('volumes', path);
  const volumes: VolumeSpec[] = [];
  const readOne = (item: unknown, at: string, nameFromKey?: string): void => {
    const index = volumes.length;
    const specPath = jsonPath('volumes', index);
    ctx.sources.record(specPath, at);
    if (typeof item === 'string' && nameFromKey === undefined) {
      const name = asNonEmptyString(item, at, ctx.diag);
      if (name !== undefined) volumes.push({ name, driver: 'local', labels: {} });
      return;
    }
    if (nameFromKey !== undefined && (item === null || item === undefined)) {
      volumes.push({ name: nameFromKey, driver: 'local', labels: {} });
      return;
    }
    const reader = ObjectReader.open(item, at, ctx.diag, 'a volume name or object');
    if (reader === undefined) return;
    reader.accept(...BOOKKEEPING_KEYS);
    const name = nameFromKey !== undefined && !reader.has('name') ? nameFromKey : reader.require('name', asNonEmptyString);
    const driver = reader.read('driver', asNonEmptyString) ?? 'local';
    ctx.sources.record(jsonPath(specPath, 'name'), reader.has('name') ? reader.pathOf('name') : at);
    const labels = readStringMap(reader, 'labels', jsonPath(specPath, 'labels'), ctx, 'label');
    reader.finish();
    if (name !== undefined) volumes.push({ name, driver, labels });
  };
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) readOne(item, jsonPath(path, key), key);
  } else if (Array.isArray(value)) {
    value.forEach((item: unknown, i) => readOne(item, `${path}[${i}]`));
  } else {
    ctx.diag.error(path, `must be a list or map of volumes, got ${describeValue(value)}`);
  }
  return volumes;
}

const asMode = asOneOf(DEPLOYMENT_MODES, 'mode');
const asStrategy = asOneOf(PLACEMENT_STRATEGIES, 'placementStrategy');
const asNetworkMode = asOneOf(NETWORK_MODES, 'networkMode');

/** `deployment {mode, placementStrategy, targetDatacenter, hostConstraints[], networkMode}`; enum values ignore case. */
export function readDeployment(value: unknown, path: string, ctx: StackReadContext): DeploymentSpec {
  const deployment = deploymentDefaults();
  ctx.sources.record('deployment', path);
  const reader = ObjectReader.open(value, path, ctx.diag);
  if (reader === undefined) return deployment;
  reader.accept(...BOOKKEEPING_KEYS);
  const mode = reader.read('mode', asMode);
  if (mode !== undefined) deployment.mode = mode;
  const strategy = reader.read('placementStrategy', asStrategy);
  if (strategy !== undefined) deployment.placementStrategy = strategy;
  const networkMode = reader.read('networkMode', asNetworkMode);
  if (networkMode !== undefined) deployment.networkMode = networkMode;
  const datacenter = reader.read('targetDatacenter', asNonEmptyString);
  if (datacenter !== undefined) deployment.targetDatacenter = datacenter;
  for (const key of ['mode', 'placementStrategy', 'networkMode', 'targetDatacenter', 'hostConstraints']) {
    ctx.sources.record(jsonPath('deployment', key), reader.pathOf(key));
  }
  const constraints = reader.take('hostConstraints');
  if (constraints !== undefined) {
    eachOf(constraints, reader.pathOf('hostConstraints'), ctx.diag, (item, at) => {
      const constraint = readHostConstraint(item, at, jsonPath('deployment', 'hostConstraints', deployment.hostConstraints.length), ctx);
      if (constraint !== undefined) deployment.hostConstraints.push(constraint);
    });
  }
  reader.finish();
  return deployment;
}

/** `{containerName, targetHost, requiredDatacenter, minCpu, minMemory (bytes or "4g"), labels}`. */
export function readHostConstraint(value: unknown, path: string, specPath: string, ctx: StackReadContext): HostConstraint | undefined {
  const reader = ObjectReader.open(value, path, ctx.diag, 'a host constraint object');
  if (reader === undefined) return undefined;
  ctx.sources.record(specPath, path);
  reader.accept(...BOOKKEEPING_KEYS);
  const constraint: HostConstraint = {};
  const containerName = reader.read('containerName', asNonEmptyString);
  if (containerName !== undefined) constraint.containerName = containerName;
  const targetHost = reader.read('targetHost', asHostRef);
  if (targetHost !== undefined) constraint.targetHost = targetHost;
  const datacenter = reader.read('requiredDatacenter', asNonEmptyString);
  if (datacenter !== undefined) constraint.requiredDatacenter = datacenter;
  const minCpu = reader.read('minCpu', asCpus);
  if (minCpu !== undefined) constraint.minCpu = minCpu;
  const minMemory = reader.read('minMemory', asMemoryBytes);
  if (minMemory !== undefined) constraint.minMemory = minMemory;
  for (const key of ['containerName', 'targetHost', 'requiredDatacenter', 'minCpu', 'minMemory']) {
    ctx.sources.record(jsonPath(specPath, key), reader.pathOf(key));
  }
  if (reader.has('labels')) constraint.labels = readStringMap(reader, 'labels', jsonPath(specPath, 'labels'), ctx, 'label');
  reader.finish();
  return constraint;
}
