import { jsonPath } from '../validation/jsonPath.js';
import type { Diagnostics } from './diagnostics.js';
import { isPlainObject } from './objectReader.js';

/**
 * Compose variable interpolation (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`, `$$` for a literal "$") over every string value.
 *
 * Variables come only from the caller (`ParseOptions.variables`): `shared` reads no environment. Unlike
 * docker compose, which substitutes an empty string for an unset variable with a warning, an unset variable
 * without a default is an error here: an image tag or port that silently became "" would deploy something
 * other than what the file says.
 */
export function interpolateTree(
  value: unknown,
  path: string,
  variables: Readonly<Record<string, string>>,
  diag: Diagnostics,
): unknown {
  return walk(value, path, 0);

  function walk(node: unknown, at: string, depth: number): unknown {
    if (typeof node === 'string') return interpolateString(node, at, variables, diag);
    if (depth > MAX_DEPTH) return node;
    if (Array.isArray(node)) return node.map((item: unknown, i) => walk(item, `${at}[${i}]`, depth + 1));
    if (isPlainObject(node)) {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, jsonPath(at, key), depth + 1)]));
    }
    return node;
  }
}

/** Deeper than any real compose file; stops a hostile document from exhausting the call stack. */
const MAX_DEPTH = 64;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const BRACED = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?|:\+|\+)([\s\S]*))?$/;

export function interpolateString(
  text: string,
  path: string,
  variables: Readonly<Record<string, string>>,
  diag: Diagnostics,
): string {
  const lookup = (name: string): string | undefined =>
    Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch !== '$') {
      out += ch;
      i++;
      continue;
    }
    const next = text.charAt(i + 1);
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) {
        diag.error(path, `unterminated "\${" in ${JSON.stringify(text)}`);
        return out + text.slice(i);
      }
      out += resolveBraced(text.slice(i + 2, end));
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (name === undefined) {
        out += '$';
        i++;
      } else {
        out += required(name);
        i += 1 + name.length;
      }
    }
  }
  return out;

  function required(name: string): string {
    const value = lookup(name);
    if (value !== undefined) return value;
    diag.error(path, `variable "${name}" is not set: pass it in the parse options' variables, or give a default ("\${${name}:-value}")`);
    return '';
  }

  function resolveBraced(content: string): string {
    const match = BRACED.exec(content);
    if (match === null) {
      diag.error(path, `invalid interpolation "\${${content}}"`);
      return '';
    }
    const [, name = '', operator, rest = ''] = match;
    const value = lookup(name);
    const set = value !== undefined;
    const nonEmpty = set && value !== '';
    const nested = (): string => interpolateString(rest, path, variables, diag);
    switch (operator) {
      case undefined:
        return required(name);
      case ':-':
        return nonEmpty ? value : nested();
      case '-':
        return set ? value : nested();
      case ':?':
      case '?':
        if (operator === ':?' ? nonEmpty : set) return value ?? '';
        diag.error(path, rest !== '' ? `variable "${name}": ${nested()}` : `variable "${name}" is required`);
        return '';
      case ':+':
        return nonEmpty ? nested() : '';
      default:
        return set ? nested() : '';
    }
  }
}

/** Index of the "}" closing a "${" whose content starts at `from`, counting nested "${…}". */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === '$' && text.charAt(i + 1) === '{') {
      depth++;
      i++;
    } else if (ch === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}
