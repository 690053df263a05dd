/**
 * A stack definition file made ready to send: its text, the media type that names its format, and the
 * values of the compose variables it uses. Like `docker compose`, a `${VAR}` takes its value from the
 * user's environment; `--var KEY=VALUE` wins over the environment. Only the variables the file mentions
 * are sent (composeVariableNames), never the rest of the environment.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { composeVariableNames, decodeText, detectFormat } from '@graphium/shared';
import type { DefinitionUpload } from './client.js';
import { usageError } from './errors.js';

export function readDefinition(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  overrides: Readonly<Record<string, string>> = {},
): DefinitionUpload {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const filename = basename(path);
  const variables: Record<string, string> = {};
  for (const name of composeVariableNames(text, { filename })) {
    const value = env[name];
    if (value !== undefined) variables[name] = value;
  }
  Object.assign(variables, overrides);
  return { text, filename, contentType: contentTypeOf(text, filename), variables };
}

/**
 * JSON-LD goes as `application/ld+json`, other JSON (EVE ItemList) as `application/json`, YAML as
 * `application/yaml`. A file that does not decode still goes, so the controller can say where it is wrong.
 */
export function contentTypeOf(text: string, filename: string): string {
  const decoded = decodeText(text, { filename });
  if (decoded.syntax === 'yaml') return 'application/yaml';
  if (decoded.ok) {
    const detected = detectFormat(decoded.value);
    if (detected.ok && detected.format === 'jsonld') return 'application/ld+json';
  }
  return 'application/json';
}

/** `--var KEY=VALUE`, repeatable. */
export function parseVariableFlag(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  const key = eq < 0 ? '' : value.slice(0, eq);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw usageError(`--var expects KEY=VALUE with KEY a variable name, got ${JSON.stringify(value)}`);
  return { ...previous, [key]: value.slice(eq + 1) };
}
