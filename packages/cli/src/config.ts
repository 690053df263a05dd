/**
 * Where the controller is and which token to show it, read once at the edge and frozen (STYLE.md rule 12).
 *
 * Precedence: flags (`--controller`, `--token`) > environment (`GRAPHIUM_CONTROLLER`, `GRAPHIUM_TOKEN`) >
 * config file > default (http://localhost:8095, no token). The config file is JSON,
 * `{"controller": "https://ctl:8095", "token": "gra_…"}`, found at `--config FILE`, else
 * `$GRAPHIUM_CLI_CONFIG`, else `$XDG_CONFIG_HOME/graphium/config.json` (`~/.config/graphium/config.json`).
 * A file named explicitly must exist; the default one is optional. (`GRAPHIUM_CONFIG` is the controller's
 * own config file, hence the CLI's variable has its own name.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { usageError } from './errors.js';

export const DEFAULT_CONTROLLER = 'http://localhost:8095';

const controllerUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL')
  .transform((value) => value.replace(/\/+$/, ''));

export const cliConfig = z.object({
  controller: controllerUrl.default(DEFAULT_CONTROLLER),
  token: z.string().trim().min(1).optional(),
});
export type CliConfig = Readonly<z.infer<typeof cliConfig>>;

/** The settings a config file may hold; anything else is a mistake worth naming. */
const configFile = z.object({ controller: z.string().optional(), token: z.string().optional() }).strict();

export interface ConfigSources {
  flags: { controller?: string | undefined; token?: string | undefined; config?: string | undefined };
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
}

export function resolveConfig({ flags, env, homeDir }: ConfigSources): CliConfig {
  const fromFile = readConfigFile(flags, env, homeDir);
  const pick = (...values: Array<string | undefined>): string | undefined => values.find((v) => v !== undefined && v !== '');
  const merged = {
    controller: pick(flags.controller, env.GRAPHIUM_CONTROLLER, fromFile.settings.controller),
    token: pick(flags.token, env.GRAPHIUM_TOKEN, fromFile.settings.token),
  };
  const result = cliConfig.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? 'config');
      return `${key} (${sourceOf(key, flags, env, fromFile.path)}): ${issue.message}`;
    });
    throw usageError(`invalid setting: ${problems.join('; ')}`);
  }
  return Object.freeze(result.data);
}

function sourceOf(key: string, flags: ConfigSources['flags'], env: ConfigSources['env'], file: string | undefined): string {
  const flag = key === 'controller' ? flags.controller : flags.token;
  if (flag !== undefined) return `--${key}`;
  const name = key === 'controller' ? 'GRAPHIUM_CONTROLLER' : 'GRAPHIUM_TOKEN';
  if (env[name] !== undefined && env[name] !== '') return name;
  return file ?? 'default';
}

export function defaultConfigPath(env: ConfigSources['env'], homeDir: string): string {
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homeDir, '.config');
  return join(base, 'graphium', 'config.json');
}

function readConfigFile(
  flags: ConfigSources['flags'],
  env: ConfigSources['env'],
  homeDir: string,
): { path?: string; settings: z.infer<typeof configFile> } {
  const explicit = flags.config ?? (env.GRAPHIUM_CLI_CONFIG === '' ? undefined : env.GRAPHIUM_CLI_CONFIG);
  const path = explicit ?? defaultConfigPath(env, homeDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (explicit === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return { settings: {} };
    throw usageError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw usageError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = configFile.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw usageError(`config file ${path}: ${problems}`);
  }
  return { path, settings: parsed.data };
}
