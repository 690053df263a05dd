/**
 * The agent's configuration, read once at the edge (STYLE.md rule 12): defaults < config file < environment
 * < flags, validated by one zod schema and frozen. Nothing else in the agent reads process.env. A bad value
 * names its key. Environment variables carry a GRAPHIUM_AGENT_ prefix so they never mix with the
 * controller's or the CLI's on a shared machine; DOCKER_HOST is honoured as Docker's own tools do.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { AppError } from '@graphium/shared';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const flag = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(text)) return false;
  return value;
}, z.boolean());

const list = (item: z.ZodType<string>) =>
  z.preprocess((value) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : value), z.array(item));

const labelPair = z.string().regex(/^[^=\s]+=.*$/, 'must be key=value');

export const agentConfig = z
  .object({
    /** This host's id; the agent token must be bound to it. */
    hostId: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'letters, digits, _ . - (starting with a letter or digit)'),
    /** Controller base URL, e.g. http://ctl:8095. */
    controller: z.url({ protocol: /^https?$/ }),
    /** Agent token for this host. */
    token: z.string().min(1),
    /** Docker engine: unix:///path (default the local socket) or tcp://host:port. */
    dockerHost: z
      .string()
      .regex(/^(unix|tcp|https?):\/\/.+/, 'must be unix:///path or tcp://host:port')
      .default('unix:///var/run/docker.sock'),
    tlsCa: z.string().min(1).optional(),
    tlsCert: z.string().min(1).optional(),
    tlsKey: z.string().min(1).optional(),
    datacenter: z.string().min(1).optional(),
    /** Host labels as key=value entries (placement constraints match them). */
    labels: list(labelPair).default([]),
    /** How other hosts reach this host's published ports; default: first non-internal IPv4. */
    address: z.string().min(1).optional(),
    /** Tasks run at once. */
    concurrency: z.coerce.number().int().min(1).max(64).default(4),
    allowPrivileged: flag.default(false),
    allowHostNetwork: flag.default(false),
    /** Host paths under which bind mounts are allowed. */
    allowBind: list(z.string().refine(isAbsolute, 'must be an absolute path')).default([]),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    /** Long-poll wait asked of the controller, seconds. */
    claimWaitSeconds: z.coerce.number().int().min(0).max(120).default(30),
    /** On SIGTERM, how long running tasks may finish before they are released, seconds. */
    drainTimeoutSeconds: z.coerce.number().min(0).max(3600).default(30),
    /** How long a container without a health check must keep running after start, milliseconds. */
    settleMs: z.coerce.number().int().min(0).max(60_000).default(0),
  })
  .strict()
  .refine((c) => (c.tlsCert === undefined) === (c.tlsKey === undefined), { message: 'give both or neither', path: ['tlsCert'] });

type Parsed = z.infer<typeof agentConfig>;

export type AgentConfig = Readonly<Omit<Parsed, 'labels' | 'address'> & { labels: Readonly<Record<string, string>>; address: string }>;
type ConfigKey = keyof z.input<typeof agentConfig>;

/** Environment variable → config key; the first one set wins for a key. */
const ENV_KEYS: Array<[string, ConfigKey]> = [
  ['GRAPHIUM_AGENT_HOST_ID', 'hostId'],
  ['GRAPHIUM_AGENT_CONTROLLER', 'controller'],
  ['GRAPHIUM_AGENT_TOKEN', 'token'],
  ['GRAPHIUM_AGENT_DOCKER_HOST', 'dockerHost'],
  ['DOCKER_HOST', 'dockerHost'],
  ['GRAPHIUM_AGENT_TLS_CA', 'tlsCa'],
  ['GRAPHIUM_AGENT_TLS_CERT', 'tlsCert'],
  ['GRAPHIUM_AGENT_TLS_KEY', 'tlsKey'],
  ['GRAPHIUM_AGENT_DATACENTER', 'datacenter'],
  ['GRAPHIUM_AGENT_LABELS', 'labels'],
  ['GRAPHIUM_AGENT_ADDRESS', 'address'],
  ['GRAPHIUM_AGENT_CONCURRENCY', 'concurrency'],
  ['GRAPHIUM_AGENT_ALLOW_PRIVILEGED', 'allowPrivileged'],
  ['GRAPHIUM_AGENT_ALLOW_HOST_NETWORK', 'allowHostNetwork'],
  ['GRAPHIUM_AGENT_ALLOW_BIND', 'allowBind'],
  ['GRAPHIUM_AGENT_LOG_LEVEL', 'logLevel'],
  ['GRAPHIUM_AGENT_CLAIM_WAIT_SECONDS', 'claimWaitSeconds'],
  ['GRAPHIUM_AGENT_DRAIN_TIMEOUT_SECONDS', 'drainTimeoutSeconds'],
  ['GRAPHIUM_AGENT_SETTLE_MS', 'settleMs'],
];

export interface AgentConfigSources {
  /** JSON config file (flag --config or GRAPHIUM_AGENT_CONFIG). */
  file?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  flags: Partial<Record<ConfigKey, unknown>>;
  /** Where the address comes from when none is configured. */
  detectAddress: () => string | undefined;
}

function invalid(message: string, details?: unknown): AppError {
  return new AppError('BAD_REQUEST', message, details === undefined ? {} : { details });
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw invalid(`config file ${path} cannot be read: ${(error as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw invalid(`config file ${path} is not a JSON object: ${(error as Error).message}`);
  }
}

export function loadAgentConfig(sources: AgentConfigSources): AgentConfig {
  const file = sources.file ?? sources.env.GRAPHIUM_AGENT_CONFIG;
  const fromFile = file === undefined ? {} : readConfigFile(file);
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of ENV_KEYS) {
    const value = sources.env[name];
    if (value !== undefined && value !== '' && fromEnv[key] === undefined) fromEnv[key] = value;
  }
  const fromFlags = Object.fromEntries(
    Object.entries(sources.flags).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  );
  const result = agentConfig.safeParse({ ...fromFile, ...fromEnv, ...fromFlags });
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ');
    throw invalid(`invalid agent configuration: ${problems}`, { issues: result.error.issues });
  }
  const parsed = result.data;
  const address = parsed.address ?? sources.detectAddress();
  if (address === undefined) throw invalid('invalid agent configuration: address: no non-internal IPv4 address found; pass --address');
  const labels = Object.fromEntries(parsed.labels.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  return Object.freeze({ ...parsed, address, labels: Object.freeze(labels) });
}
