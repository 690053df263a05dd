import type { NetworkSpec, StackSpec, VolumeSpec } from '../models/stackSpec.js';
import { describeValue, quote } from '../validation/describe.js';
import { jsonPath } from '../validation/jsonPath.js';
import { asBoolean, asHostRef, asNonEmptyString, asString } from './coerce.js';
import { interpolateTree } from './composeInterpolation.js';
import { constraintSpecPath } from './composePlacement.js';
import { readService, type ComposeStackContext } from './composeService.js';
import { deploymentDefaults, networkDefaults } from './defaults.js';
import type { FormatContext } from './formatContext.js';
import { readKeyValues, toStringMap } from './keyValues.js';
import { ObjectReader, isPlainObject } from './objectReader.js';
import { readDeployment } from './stackFields.js';
import { readStackName } from './stackName.js';

/**
 * docker-compose files (DESIGN §3.3), the compose-spec subset that means something on a fleet: services
 * with image, command, entrypoint, environment, ports, volumes, tmpfs, depends_on, healthcheck, restart,
 * labels, deploy.resources and deploy.placement.constraints, plus top-level name, networks and volumes.
 *
 * Keys that cannot be honoured are warnings when ignoring them still deploys what the file describes
 * (container_name, expose, cap_add, …) and errors when it would not (env_file, build without image,
 * extends, secrets, configs, replicas > 1, …). Graphium-specific settings go in a top-level `x-graphium`
 * extension: `{deployment: {placementStrategy, mode, …}, defaultHost}`.
 */
export function parseCompose(document: unknown, ctx: FormatContext): StackSpec | undefined {
  const { diag, sources } = ctx;
  const interpolated = interpolateTree(document, '', ctx.options.variables ?? {}, diag);
  const root = ObjectReader.open(interpolated, '', diag);
  if (root === undefined) return undefined;
  root.accept('version', ...root.unread().filter((key) => key.startsWith('x-') && key !== 'x-graphium'));

  const spec: StackSpec = { name: readStackName(root, ctx), volumes: [], deployment: deploymentDefaults(), containers: [] };

  const extension = readExtension(root, ctx);
  if (extension.deployment !== undefined) spec.deployment = extension.deployment;
  if (extension.defaultHost !== undefined) spec.defaultHost = extension.defaultHost;

  const networksValue = root.take('networks');
  const network = networksValue === undefined ? undefined : readNetworks(networksValue, root.pathOf('networks'), ctx);
  if (network !== undefined) spec.network = network.spec;

  const volumesValue = root.take('volumes');
  const declaredVolumes = new Map<string, string>();
  if (volumesValue !== undefined) spec.volumes = readVolumes(volumesValue, root.pathOf('volumes'), declaredVolumes, ctx);

  for (const key of ['secrets', 'configs']) {
    if (root.has(key)) diag.warn(root.pathOf(key), `top-level ${key} are not supported and are ignored`);
  }
  if (root.has('include')) {
    diag.error(root.pathOf('include'), 'include is not supported: the included files are not available to Graphium; merge them into this file');
  }

  const services = root.take('services');
  sources.record('containers', root.pathOf('services'));
  if (!isPlainObject(services)) {
    diag.error(root.pathOf('services'), `must be a map of service names to services, got ${describeValue(services)}`);
  } else {
    const stackContext: ComposeStackContext = {
      ...ctx,
      declaredVolumes,
      networkKey: network?.key,
      addConstraint: (constraint, path) => {
        const index = spec.deployment.hostConstraints.length;
        sources.record(constraintSpecPath(index), path);
        spec.deployment.hostConstraints.push(constraint);
      },
    };
    for (const [name, service] of Object.entries(services)) {
      const container = readService(name, service, jsonPath(root.pathOf('services'), name), spec.containers.length, stackContext);
      if (container !== undefined) spec.containers.push(container);
    }
  }
  root.finish((key) => `unsupported top-level key "${key}" ignored`);
  return spec;
}

/** `x-graphium: {deployment, defaultHost}` — what compose has no words for. */
function readExtension(root: ObjectReader, ctx: FormatContext): { deployment?: StackSpec['deployment']; defaultHost?: string } {
  const value = root.take('x-graphium');
  if (value === undefined) return {};
  const reader = ObjectReader.open(value, root.pathOf('x-graphium'), ctx.diag);
  if (reader === undefined) return {};
  const result: { deployment?: StackSpec['deployment']; defaultHost?: string } = {};
  const deployment = reader.take('deployment');
  if (deployment !== undefined) result.deployment = readDeployment(deployment, reader.pathOf('deployment'), ctx);
  const defaultHost = reader.read('defaultHost', asHostRef);
  ctx.sources.record('defaultHost', reader.pathOf('defaultHost'));
  if (defaultHost !== undefined) result.defaultHost = defaultHost;
  reader.finish();
  return result;
}

/**
 * Top-level `networks`: the stack gets one network, the first declared (Graphium attaches every container
 * to it); further networks are reported and ignored.
 */
function readNetworks(value: unknown, path: string, ctx: FormatContext): { key: string; spec: NetworkSpec } | undefined {
  if (!isPlainObject(value)) {
    ctx.diag.error(path, `must be a map of network names to networks, got ${describeValue(value)}`);
    return undefined;
  }
  const [first, ...others] = Object.entries(value);
  if (first === undefined) return undefined;
  const [key, body] = first;
  for (const [other] of others) {
    ctx.diag.warn(jsonPath(path, other), `only the first network (${quote(key)}) is used: Graphium attaches every container to one stack network`);
  }
  const at = jsonPath(path, key);
  ctx.sources.record('network', at);
  const network: NetworkSpec = { name: key, ...networkDefaults() };
  if (body === null || body === undefined) return { key, spec: network };
  const reader = ObjectReader.open(body, at, ctx.diag, 'a network definition');
  if (reader === undefined) return { key, spec: network };
  reader.accept('attachable');
  const name = reader.read('name', asNonEmptyString);
  if (name !== undefined) network.name = name;
  ctx.sources.record('network.name', reader.has('name') ? reader.pathOf('name') : at);
  const driver = reader.read('driver', asNonEmptyString);
  if (driver !== undefined) network.driver = driver;
  const external = reader.take('external');
  // Legacy `external: {name: x}` is still seen in older files.
  if (isPlainObject(external)) {
    network.external = true;
    if (typeof external.name === 'string' && external.name !== '') network.name = external.name;
  } else if (external !== undefined) network.external = asBoolean(external, reader.pathOf('external'), ctx.diag) ?? false;
  network.createIfNotExists = !network.external;
  for (const [composeKey, specKey] of [['driver_opts', 'options'], ['labels', 'labels']] as const) {
    const raw = reader.take(composeKey);
    if (raw === undefined) continue;
    const entries = readKeyValues(raw, reader.pathOf(composeKey), ctx.diag, { what: composeKey === 'labels' ? 'label' : 'driver option', missing: () => '' });
    network[specKey] = toStringMap(entries, `network.${specKey}`, ctx.sources, ctx.diag, composeKey === 'labels' ? 'label' : 'driver option');
  }
  const ipam = reader.take('ipam');
  if (ipam !== undefined) readIpam(ipam, reader.pathOf('ipam'), network, ctx);
  reader.finish((k) => `unsupported network key "${k}" ignored`);
  return { key, spec: network };
}

/** `ipam.config[0]` gives the network's subnet, gateway and ip_range; compose allows more, Docker uses one. */
function readIpam(value: unknown, path: string, network: NetworkSpec, ctx: FormatContext): void {
  const reader = ObjectReader.open(value, path, ctx.diag);
  if (reader === undefined) return;
  reader.accept('driver');
  const configs = reader.take('config');
  if (configs !== undefined) {
    if (!Array.isArray(configs)) ctx.diag.error(reader.pathOf('config'), `must be a list, got ${describeValue(configs)}`);
    else {
      configs.slice(1).forEach((_: unknown, i) => ctx.diag.warn(jsonPath(reader.pathOf('config'), i + 1), 'only the first IPAM config is used'));
      const config = configs[0] === undefined ? undefined : ObjectReader.open(configs[0], jsonPath(reader.pathOf('config'), 0), ctx.diag);
      if (config !== undefined) {
        for (const [key, specKey] of [['subnet', 'subnet'], ['gateway', 'gateway'], ['ip_range', 'ipRange']] as const) {
          const text = config.read(key, asString);
          ctx.sources.record(`network.${specKey}`, config.pathOf(key));
          if (text !== undefined) network[specKey] = text;
        }
        config.finish((k) => `unsupported IPAM key "${k}" ignored`);
      }
    }
  }
  reader.finish((k) => `unsupported IPAM key "${k}" ignored`);
}

/**
 * Top-level `volumes`: each becomes a stack volume named by its `name` (else its key). `declared` maps the
 * key services use to that name. Compose prefixes volume names with the project name; Graphium keeps them
 * as written, and the agent scopes them to the stack.
 */
function readVolumes(value: unknown, path: string, declared: Map<string, string>, ctx: FormatContext): VolumeSpec[] {
  if (!isPlainObject(value)) {
    ctx.diag.error(path, `must be a map of volume names to volumes, got ${describeValue(value)}`);
    return [];
  }
  const volumes: VolumeSpec[] = [];
  for (const [key, body] of Object.entries(value)) {
    const at = jsonPath(path, key);
    const volume: VolumeSpec = { name: key, driver: 'local', labels: {} };
    ctx.sources.record(jsonPath('volumes', volumes.length), at);
    if (body !== null && body !== undefined) {
      const reader = ObjectReader.open(body, at, ctx.diag, 'a volume definition');
      if (reader !== undefined) {
        const name = reader.read('name', asNonEmptyString);
        if (name !== undefined) volume.name = name;
        const driver = reader.read('driver', asNonEmptyString);
        if (driver !== undefined) volume.driver = driver;
        const labels = reader.take('labels');
        if (labels !== undefined) {
          const entries = readKeyValues(labels, reader.pathOf('labels'), ctx.diag, { what: 'label', missing: () => '' });
          volume.labels = toStringMap(entries, jsonPath('volumes', volumes.length, 'labels'), ctx.sources, ctx.diag, 'label');
        }
        if (reader.has('external')) {
          reader.take('external');
          ctx.diag.warn(reader.pathOf('external'), 'external is not supported: the volume is created on the host if it does not exist');
        }
        reader.finish((k) => `unsupported volume key "${k}" ignored`);
      }
    }
    declared.set(key, volume.name);
    volumes.push(volume);
  }
  return volumes;
}
