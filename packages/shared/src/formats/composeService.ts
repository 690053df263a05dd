import type { ContainerSpec, HealthCheckSpec, HostConstraint, VolumeMountSpec } from '../models/stackSpec.js';
import { describeValue, quote } from '../validation/describe.js';
import { jsonPath } from '../validation/jsonPath.js';
import {
  asArgv,
  asBoolean,
  asInteger,
  asNonEmptyString,
  asPortNumber,
  asRestartPolicy,
  asSeconds,
  asString,
  eachOf,
} from './coerce.js';
import { readDeploy, readServiceResources } from './composeDeploy.js';
import { healthCheckDefaults } from './defaults.js';
import type { DependencyEntry } from './dependencies.js';
import type { Diagnostics } from './diagnostics.js';
import type { FormatContext } from './formatContext.js';
import { readKeyValues, toStringMap } from './keyValues.js';
import { recordList } from './located.js';
import { ObjectReader, isPlainObject } from './objectReader.js';
import { asProtocol, parsePortRange, parsePortString, type PortEntry } from './portMappings.js';
import { readVolumeString, type MountEntry } from './volumeMounts.js';

/** What a service needs from the rest of the file. */
export interface ComposeStackContext extends FormatContext {
  /** Top-level volume keys → the volume names they stand for. */
  declaredVolumes: ReadonlyMap<string, string>;
  /** The key of the network the stack uses (the first top-level one), if any. */
  networkKey: string | undefined;
  addConstraint(constraint: HostConstraint, path: string): void;
}

/** Keys whose absence would deploy something other than the file describes: errors, with the way out. */
const REFUSED_KEYS: Record<string, string> = {
  env_file: 'env_file is not supported: the controller cannot read files beside your compose file; move the variables into "environment"',
  extends: 'extends is not supported: the base service is not available to Graphium; inline its settings',
  secrets: 'secrets are not supported: the container would start without its secret files',
  configs: 'configs are not supported: the container would start without its config files',
  volumes_from: 'volumes_from is not supported: containers may land on different hosts; declare the volumes',
};

/** Keys ignored with a reason more useful than "unsupported". */
const IGNORED_KEYS: Record<string, string> = {
  container_name: 'container_name ignored: Graphium names containers "{stack}-{service}"',
  expose: 'expose ignored: containers reach each other through published host ports',
  links: 'links ignored: dependencies reach each other through the injected {NAME}_HOST/_PORT variables',
  external_links: 'external_links ignored: Graphium wires only containers of the stack',
  hostname: 'hostname ignored',
  domainname: 'domainname ignored',
  pull_policy: 'pull_policy ignored: the agent pulls images if not present',
};

/**
 * One compose service as a container. Returns undefined for a service that is not deployed (one with
 * `profiles`, which compose itself starts only when a profile is activated) or is not an object.
 */
export function readService(name: string, value: unknown, path: string, index: number, ctx: ComposeStackContext): ContainerSpec | undefined {
  const { diag, sources } = ctx;
  const reader = ObjectReader.open(value, path, diag, 'a service definition');
  if (reader === undefined) return undefined;
  if (reader.has('profiles')) {
    diag.warn(reader.pathOf('profiles'), `service ${quote(name)} has profiles, so compose would not start it by default; it is not deployed`);
    return undefined;
  }
  const specPath = jsonPath('containers', index);
  const field = (specField: string, key: string): void => sources.record(jsonPath(specPath, specField), reader.pathOf(key));
  sources.record(specPath, path);
  sources.record(jsonPath(specPath, 'name'), path);

  const container: ContainerSpec = { name, image: '', ports: [], environment: {}, volumeMounts: [], dependsOn: [], labels: {} };
  readImage(reader, container, ctx);
  // Without an image, `build` is where the image would have come from: point image errors there.
  field('image', reader.has('image') || !reader.has('build') ? 'image' : 'build');

  for (const [key, specKey] of [['command', 'command'], ['entrypoint', 'entrypoint']] as const) {
    const argv = reader.read(key, asArgv);
    field(specKey, key);
    if (argv !== undefined) container[specKey] = argv;
  }
  for (const [key, specKey] of [['working_dir', 'workingDir'], ['user', 'user'], ['network_mode', 'networkMode']] as const) {
    const text = reader.read(key, asString);
    field(specKey, key);
    if (text !== undefined) container[specKey] = text;
  }
  const privileged = reader.read('privileged', asBoolean);
  field('privileged', 'privileged');
  if (privileged !== undefined) container.privileged = privileged;

  const environment = reader.take('environment');
  field('environment', 'environment');
  if (environment !== undefined) {
    const entries = readKeyValues(environment, reader.pathOf('environment'), diag, {
      what: 'environment variable',
      missing: (key, at, d) => valueFromVariables(key, at, d, ctx),
    });
    container.environment = toStringMap(entries, jsonPath(specPath, 'environment'), sources, diag, 'environment variable');
  }
  const labels = reader.take('labels');
  field('labels', 'labels');
  if (labels !== undefined) {
    const entries = readKeyValues(labels, reader.pathOf('labels'), diag, { what: 'label', missing: () => '' });
    container.labels = toStringMap(entries, jsonPath(specPath, 'labels'), sources, diag, 'label');
  }

  const ports = reader.take('ports');
  field('ports', 'ports');
  if (ports !== undefined) container.ports = recordList(readComposePorts(ports, reader.pathOf('ports'), diag), jsonPath(specPath, 'ports'), sources);

  const mounts: MountEntry[] = [];
  const volumes = reader.take('volumes');
  if (volumes !== undefined) mounts.push(...readComposeVolumes(volumes, reader.pathOf('volumes'), ctx));
  const tmpfs = reader.take('tmpfs');
  if (tmpfs !== undefined) mounts.push(...readTmpfs(tmpfs, reader.pathOf('tmpfs'), diag));
  field('volumeMounts', volumes !== undefined || tmpfs === undefined ? 'volumes' : 'tmpfs');
  container.volumeMounts = recordList(mounts, jsonPath(specPath, 'volumeMounts'), sources);

  const dependsOn = reader.take('depends_on');
  field('dependsOn', 'depends_on');
  if (dependsOn !== undefined) {
    container.dependsOn = recordList(readDependsOn(dependsOn, reader.pathOf('depends_on'), diag), jsonPath(specPath, 'dependsOn'), sources);
  }

  const healthcheck = reader.take('healthcheck');
  field('healthCheck', 'healthcheck');
  if (healthcheck !== undefined) {
    const check = readHealthcheck(healthcheck, reader.pathOf('healthcheck'), jsonPath(specPath, 'healthCheck'), ctx);
    if (check !== undefined) container.healthCheck = check;
  }

  const restart = reader.read('restart', asRestartPolicy);
  field('restartPolicy', 'restart');
  if (restart !== undefined) container.restartPolicy = restart;

  readServiceResources(reader, container, specPath, ctx);
  const deploy = reader.take('deploy');
  if (deploy !== undefined) readDeploy(deploy, reader.pathOf('deploy'), name, container, specPath, ctx);

  readServiceNetworks(reader, ctx);
  const scale = reader.read('scale', asInteger());
  if (scale !== undefined && scale !== 1) diag.error(reader.pathOf('scale'), `scale ${scale} is not supported: Graphium runs one container per service`);

  for (const [key, message] of Object.entries(REFUSED_KEYS)) if (reader.has(key)) diag.error(reader.pathOf(key), message);
  reader.finish((key) => IGNORED_KEYS[key] ?? `unsupported compose key "${key}" ignored`);
  return container;
}

/** `image` is required; `build` alone would deploy nothing, `build` beside `image` deploys that image. */
function readImage(reader: ObjectReader, container: ContainerSpec, ctx: FormatContext): void {
  const image = reader.read('image', asNonEmptyString);
  if (image !== undefined) container.image = image;
  if (reader.has('build')) {
    if (image === undefined && !reader.has('image')) {
      ctx.diag.error(reader.pathOf('build'), 'build is not supported: Graphium deploys images; build and push the image, then set "image"');
    } else {
      ctx.diag.warn(reader.pathOf('build'), `build ignored: the image ${quote(image ?? '')} is deployed as it is`);
    }
  } else if (!reader.has('image')) {
    ctx.diag.error(reader.pathOf('image'), '"image" is required');
  }
}

/** `KEY` without a value: compose takes it from the shell; here only from the caller's variables. */
function valueFromVariables(key: string, path: string, diag: Diagnostics, ctx: FormatContext): string | undefined {
  const variables = ctx.options.variables ?? {};
  if (Object.prototype.hasOwnProperty.call(variables, key)) return variables[key];
  diag.error(path, `environment variable ${quote(key)} has no value: compose would take it from the shell, which Graphium does not read; give a value or pass it in variables`);
  return undefined;
}

/** Short syntax ("8080:80", "127.0.0.1:8080:80/udp", 80) and long syntax `{target, published, host_ip, protocol, mode}`. */
function readComposePorts(value: unknown, path: string, diag: Diagnostics): PortEntry[] {
  const entries: PortEntry[] = [];
  eachOf(value, path, diag, (item, at) => {
    if (typeof item === 'string' || typeof item === 'number') {
      const parsed = parsePortString(String(item));
      if (parsed.ok) for (const port of parsed.ports) entries.push({ value: port, path: at, fieldPaths: {} });
      else diag.error(at, parsed.reason);
      return;
    }
    const reader = ObjectReader.open(item, at, diag, 'a port ("8080:80" or {target, published})');
    if (reader === undefined) return;
    reader.accept('name', 'app_protocol');
    const target = reader.require('target', asPortNumber);
    const protocol = reader.read('protocol', asProtocol) ?? 'tcp';
    const hostIP = reader.read('host_ip', asString);
    const mode = reader.read('mode', asString);
    if (mode !== undefined && mode !== 'host' && mode !== 'ingress') diag.error(reader.pathOf('mode'), `mode must be host or ingress; got ${quote(mode)}`);
    if (mode === 'ingress') diag.warn(reader.pathOf('mode'), 'ingress mode ignored: the port is published on the host that runs the container');
    let published: number | undefined;
    const publishedValue = reader.take('published');
    if (publishedValue !== undefined) {
      const range = typeof publishedValue === 'number' || typeof publishedValue === 'string' ? parsePortRange(String(publishedValue)) : undefined;
      if (range === undefined) diag.error(reader.pathOf('published'), `must be a port number, got ${describeValue(publishedValue)}`);
      else if (!range.ok) diag.error(reader.pathOf('published'), range.reason);
      else if (range.ports.length > 1) diag.error(reader.pathOf('published'), 'a published port range for one target port is not supported');
      else published = range.ports[0];
    }
    reader.finish((key) => `unsupported port key "${key}" ignored`);
    if (target === undefined) return;
    entries.push({
      value: {
        containerPort: target,
        protocol,
        ...(published === undefined ? {} : { hostPort: published }),
        ...(hostIP === undefined || hostIP === '' ? {} : { hostIP }),
      },
      path: at,
      fieldPaths: {
        containerPort: reader.pathOf('target'),
        hostPort: reader.pathOf('published'),
        protocol: reader.pathOf('protocol'),
        hostIP: reader.pathOf('host_ip'),
      },
    });
  });
  return entries;
}

/** Short syntax ("data:/var/lib/x:ro", "./conf:/etc/conf") and long syntax `{type, source, target, read_only}`. */
function readComposeVolumes(value: unknown, path: string, ctx: ComposeStackContext): MountEntry[] {
  const { diag } = ctx;
  const entries: MountEntry[] = [];
  eachOf(value, path, diag, (item, at) => {
    if (typeof item === 'string') {
      const entry = readVolumeString(item, at, diag);
      if (entry !== undefined) entries.push(resolveNamedVolume(entry, at, ctx));
      return;
    }
    const reader = ObjectReader.open(item, at, diag, 'a volume ("source:target" or {type, source, target})');
    if (reader === undefined) return;
    const type = reader.require('type', asString);
    const source = reader.read('source', asString);
    const target = reader.require('target', asString);
    const readOnly = reader.read('read_only', asBoolean) ?? false;
    for (const key of ['bind', 'volume', 'tmpfs', 'consistency']) {
      if (reader.has(key)) diag.warn(reader.pathOf(key), `${key} options ignored`);
    }
    reader.finish((key) => `unsupported volume key "${key}" ignored`);
    if (type !== undefined && type !== 'volume' && type !== 'bind' && type !== 'tmpfs') {
      diag.error(reader.pathOf('type'), `volume type ${quote(type)} is not supported (volume, bind or tmpfs)`);
      return;
    }
    if (type === undefined || target === undefined) return;
    const mount: VolumeMountSpec = { target, type, readOnly };
    if (source !== undefined && source !== '') mount.source = source;
    const fieldPaths = { source: reader.pathOf('source'), target: reader.pathOf('target'), type: reader.pathOf('type'), readOnly: reader.pathOf('read_only') };
    entries.push(resolveNamedVolume({ value: mount, path: at, fieldPaths }, reader.pathOf('source'), ctx));
  });
  return entries;
}

/** A named volume must be declared at the top level, as compose requires; it mounts under its declared name. */
function resolveNamedVolume(entry: MountEntry, sourcePath: string, ctx: ComposeStackContext): MountEntry {
  const { source, type } = entry.value;
  if (type !== 'volume' || source === undefined) return entry;
  const declared = ctx.declaredVolumes.get(source);
  if (declared === undefined) {
    ctx.diag.error(sourcePath, `volume ${quote(source)} is not declared in the top-level volumes`);
    return entry;
  }
  return { ...entry, value: { ...entry.value, source: declared } };
}

/** `tmpfs: /run` or a list; size/mode options have no field in the spec and are reported. */
function readTmpfs(value: unknown, path: string, diag: Diagnostics): MountEntry[] {
  const items: Array<{ item: unknown; at: string }> = [];
  if (Array.isArray(value)) value.forEach((item: unknown, i) => items.push({ item, at: `${path}[${i}]` }));
  else items.push({ item: value, at: path });
  return items.flatMap(({ item, at }): MountEntry[] => {
    const text = asNonEmptyString(item, at, diag);
    if (text === undefined) return [];
    const [target = '', options] = text.split(/:(.*)/s);
    if (options !== undefined && options !== '') diag.warn(at, `tmpfs options ${quote(options)} ignored`);
    return [{ value: { target, type: 'tmpfs', readOnly: false }, path: at, fieldPaths: {} }];
  });
}

/**
 * `depends_on` as a list (started) or a map with `condition`. service_completed_successfully is refused:
 * Graphium runs long-lived containers and has no "ran to completion" state, and treating it as "started"
 * would start the dependent before, say, a migration finished.
 */
function readDependsOn(value: unknown, path: string, diag: Diagnostics): DependencyEntry[] {
  const entries: DependencyEntry[] = [];
  if (Array.isArray(value)) {
    eachOf(value, path, diag, (item, at) => {
      const name = asNonEmptyString(item, at, diag);
      if (name !== undefined) entries.push({ value: { name, condition: 'started' }, path: at, fieldPaths: {} });
    });
    return entries;
  }
  if (!isPlainObject(value)) {
    diag.error(path, `must be a list of service names or a map of them to {condition}, got ${describeValue(value)}`);
    return entries;
  }
  for (const [name, body] of Object.entries(value)) {
    const at = jsonPath(path, name);
    let condition: 'started' | 'healthy' = 'started';
    if (body !== null && body !== undefined) {
      const reader = ObjectReader.open(body, at, diag, 'a dependency ({condition})');
      if (reader === undefined) continue;
      const raw = reader.read('condition', asString);
      reader.accept('required');
      if (reader.has('restart')) diag.warn(reader.pathOf('restart'), 'restart ignored: Graphium does not restart dependents');
      reader.finish((key) => `unsupported depends_on key "${key}" ignored`);
      if (raw === 'service_healthy') condition = 'healthy';
      else if (raw === 'service_completed_successfully') {
        diag.error(reader.pathOf('condition'), 'condition service_completed_successfully is not supported: Graphium runs long-lived containers; use service_healthy or service_started');
        continue;
      } else if (raw !== undefined && raw !== 'service_started') {
        diag.error(reader.pathOf('condition'), `condition must be service_started or service_healthy; got ${quote(raw)}`);
        continue;
      }
    }
    entries.push({ value: { name, condition }, path: at, fieldPaths: {} });
  }
  return entries;
}

/**
 * `healthcheck {test, interval, timeout, retries, start_period, disable}`. test: ["CMD", argv…] runs argv;
 * ["CMD-SHELL", "cmd"] or a plain string runs in the container's shell (a one-element command, as the spec
 * defines); ["NONE"] or `disable: true` means no check.
 */
function readHealthcheck(value: unknown, path: string, specPath: string, ctx: FormatContext): HealthCheckSpec | undefined {
  const { diag, sources } = ctx;
  const reader = ObjectReader.open(value, path, diag, 'a healthcheck definition');
  if (reader === undefined) return undefined;
  const check: HealthCheckSpec = { type: 'exec', ...healthCheckDefaults() };
  for (const [key, specKey] of [['interval', 'interval'], ['timeout', 'timeout'], ['start_period', 'startPeriod']] as const) {
    const seconds = reader.read(key, asSeconds);
    sources.record(jsonPath(specPath, specKey), reader.pathOf(key));
    if (seconds !== undefined) check[specKey] = seconds;
  }
  const retries = reader.read('retries', asInteger());
  sources.record(jsonPath(specPath, 'retries'), reader.pathOf('retries'));
  if (retries !== undefined) check.retries = retries;
  if (reader.has('start_interval')) diag.warn(reader.pathOf('start_interval'), 'start_interval ignored');
  const disabled = reader.read('disable', asBoolean) === true;
  const test = reader.take('test');
  sources.record(jsonPath(specPath, 'command'), reader.pathOf('test'));
  reader.finish((key) => `unsupported healthcheck key "${key}" ignored`);
  if (disabled) return undefined;
  if (test === undefined) {
    diag.warn(path, 'healthcheck without "test" ignored: the image\'s own health check, if any, keeps its settings');
    return undefined;
  }
  const command = commandOfTest(test, reader.pathOf('test'), diag);
  if (command === undefined || command.argv.length === 0) return undefined;
  check.command = command.argv;
  check.shell = command.shell;
  return check;
}

function commandOfTest(test: unknown, path: string, diag: Diagnostics): { argv: string[]; shell: boolean } | undefined {
  if (typeof test === 'string') return test.trim() === '' ? undefined : { argv: [test], shell: true };
  const argv = asArgv(test, path, diag);
  if (argv === undefined) return undefined;
  const [kind, ...rest] = argv;
  if (kind === 'NONE') return { argv: [], shell: false };
  if (kind === 'CMD' && rest.length > 0) return { argv: rest, shell: false };
  if (kind === 'CMD-SHELL' && rest.length > 0) return { argv: [rest.join(' ')], shell: true };
  diag.error(path, 'test must be a string or a list starting with "CMD" (then the command), "CMD-SHELL" (then a shell command) or "NONE"');
  return undefined;
}

/** Service `networks`: every container joins the one stack network; naming another network is reported. */
function readServiceNetworks(reader: ObjectReader, ctx: ComposeStackContext): void {
  const value = reader.take('networks');
  if (value === undefined) return;
  const at = reader.pathOf('networks');
  const names = Array.isArray(value) ? value : isPlainObject(value) ? Object.keys(value) : undefined;
  if (names === undefined) {
    ctx.diag.error(at, `must be a list or map of network names, got ${describeValue(value)}`);
    return;
  }
  const others = names.filter((name) => name !== ctx.networkKey && name !== 'default');
  if (others.length > 0) {
    ctx.diag.warn(at, `networks ${others.map((n) => (typeof n === 'string' ? quote(n) : describeValue(n))).join(', ')} ignored: every container joins the stack network`);
  }
  if (isPlainObject(value) && Object.values(value).some((settings) => settings !== null && settings !== undefined)) {
    ctx.diag.warn(at, 'per-network settings (aliases, addresses) ignored');
  }
}
