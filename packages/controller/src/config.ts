/**
 * Configuration is read once, at the edge: defaults < config file < environment < flags, validated by one
 * zod schema and frozen. Nothing else in the controller reads process.env. A bad value names its key.
 */
import { readFileSync } from 'node:fs';
import { AppError } from '@graphium/shared';
import { z } from 'zod';

export const controllerConfig = z
  .object({
    /** HTTP port of the API and web UI. */
    port: z.coerce.number().int().min(0).max(65535).default(8095),
    /** Address to listen on; agents on other hosts must reach it. */
    host: z.string().min(1).default('0.0.0.0'),
    /** Where the embedded store keeps its data (ignored with couchdbUrl). */
    dataDir: z.string().min(1).default('.graphium/data'),
    /** A real CouchDB (`http://user:pass@host:5984`); absent: the embedded store. */
    couchdbUrl: z.url().optional(),
    /** Prefix of every database name. */
    dbPrefix: z
      .string()
      .regex(/^[a-z][a-z0-9_$()+/-]*$/, 'must start with a lowercase letter and hold only a-z 0-9 _ $ ( ) + - /')
      .default('graphium_'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Largest request body accepted (bytes). */
    bodyLimitBytes: z.coerce.number().int().positive().default(1024 * 1024),
    /** How long a claim's lease lasts without renewal. */
    leaseSeconds: z.coerce.number().int().min(5).default(60),
    /** A host whose last heartbeat is older than this goes offline. */
    heartbeatTimeoutSeconds: z.coerce.number().int().min(5).default(30),
    /**
     * Move automatically placed containers off hosts that went offline, and redeploy their dependents
     * (docs/placement.md, Failover). Default on.
     */
    failover: z.union([z.boolean(), z.stringbool()]).default(true),
    /** Upper bound of an agent's long-poll. */
    claimWaitMaxSeconds: z.coerce.number().int().min(0).max(120).default(30),
    /** Ask for a user or admin token on `GET /metrics` (scrapers then send one). */
    metricsRequireToken: z.union([z.boolean(), z.stringbool()]).default(false),
  })
  .strict();

export type ControllerConfig = Readonly<z.infer<typeof controllerConfig>>;
type ConfigInput = z.input<typeof controllerConfig>;

/** Environment variable → config key. */
const ENV_KEYS: Record<string, keyof ConfigInput> = {
  GRAPHIUM_PORT: 'port',
  GRAPHIUM_HOST: 'host',
  GRAPHIUM_DATA_DIR: 'dataDir',
  COUCHDB_URL: 'couchdbUrl',
  GRAPHIUM_DB_PREFIX: 'dbPrefix',
  GRAPHIUM_LOG_LEVEL: 'logLevel',
  GRAPHIUM_BODY_LIMIT_BYTES: 'bodyLimitBytes',
  GRAPHIUM_LEASE_SECONDS: 'leaseSeconds',
  GRAPHIUM_HEARTBEAT_TIMEOUT_SECONDS: 'heartbeatTimeoutSeconds',
  GRAPHIUM_FAILOVER: 'failover',
  GRAPHIUM_CLAIM_WAIT_MAX_SECONDS: 'claimWaitMaxSeconds',
  GRAPHIUM_METRICS_REQUIRE_TOKEN: 'metricsRequireToken',
};

export interface ConfigSources {
  /** Path of a JSON config file (flag `--config` or env GRAPHIUM_CONFIG). */
  file?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  flags: Partial<Record<keyof ConfigInput, unknown>>;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AppError('BAD_REQUEST', `config file ${path} cannot be read: ${(error as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new AppError('BAD_REQUEST', `config file ${path} is not a JSON object: ${(error as Error).message}`);
  }
}

export function loadConfig(sources: ConfigSources): ControllerConfig {
  const file = sources.file ?? sources.env.GRAPHIUM_CONFIG;
  const fromFile = file === undefined ? {} : readConfigFile(file);
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = sources.env[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const fromFlags = Object.fromEntries(Object.entries(sources.flags).filter(([, v]) => v !== undefined));
  const result = controllerConfig.safeParse({ ...fromFile, ...fromEnv, ...fromFlags });
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ');
    throw new AppError('BAD_REQUEST', `invalid configuration: ${problems}`, { details: { issues: result.error.issues } });
  }
  return Object.freeze(result.data);
}
