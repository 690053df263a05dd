import { decodeText, type SourceHints } from './decode.js';
import { detectFormat } from './detect.js';
import { isPlainObject } from './objectReader.js';

/**
 * The variables a compose file takes from its environment: every name its `$VAR` / `${VAR…}` interpolations
 * mention, and every `environment` entry written without a value (`- KEY`, `KEY:`). A client sends the values
 * of these names, and only these, with the definition (`StackSubmission.variables`), so the file deploys as it
 * would from the user's shell without the rest of the user's environment leaving their machine.
 *
 * A superset is fine (a name only used in a default branch costs nothing); a name missed would fail the
 * deploy, so the scan reads every string value. Other formats and undecodable text have none.
 */
export function composeVariableNames(input: string, hints: SourceHints = {}): string[] {
  const decoded = decodeText(input, hints);
  if (!decoded.ok) return [];
  const detected = detectFormat(decoded.value);
  if (!detected.ok || detected.format !== 'compose') return [];
  const names = new Set<string>();
  collectInterpolated(decoded.value, names, 0);
  collectBareEnvironment(decoded.value, names);
  return [...names].sort();
}

/** `$$` is a literal dollar; `${NAME…}` and `$NAME` name a variable (nested defaults are scanned too). */
const REFERENCE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))/g;

/** As deep as interpolation itself goes (composeInterpolation's MAX_DEPTH). */
const MAX_DEPTH = 64;

function collectInterpolated(node: unknown, names: Set<string>, depth: number): void {
  if (typeof node === 'string') {
    for (const match of node.matchAll(REFERENCE)) {
      const name = match[1] ?? match[2];
      if (name !== undefined) names.add(name);
    }
    return;
  }
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(node)) for (const item of node) collectInterpolated(item, names, depth + 1);
  else if (isPlainObject(node)) for (const item of Object.values(node)) collectInterpolated(item, names, depth + 1);
}

function collectBareEnvironment(document: unknown, names: Set<string>): void {
  if (!isPlainObject(document) || !isPlainObject(document.services)) return;
  for (const service of Object.values(document.services)) {
    if (!isPlainObject(service)) continue;
    const environment = service.environment;
    if (isPlainObject(environment)) {
      for (const [key, value] of Object.entries(environment)) if (value === null || value === undefined) names.add(key);
    } else if (Array.isArray(environment)) {
      for (const item of environment) if (typeof item === 'string' && item !== '' && !item.includes('=')) names.add(item);
    }
  }
}
