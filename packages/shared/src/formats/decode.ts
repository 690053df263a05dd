import { LineCounter, parseDocument } from 'yaml';
import type { Issue } from '../errors.js';
import { findJsonSyntaxError, lineColumnOf } from './jsonSyntax.js';

/** Options that describe where a definition came from; both only steer decoding and naming. */
export interface SourceHints {
  /** HTTP Content-Type: `application/json`, `application/ld+json`, `application/yaml`, … */
  contentType?: string;
  /** The file name the definition was read from (decides JSON vs YAML; names a compose stack without `name`). */
  filename?: string;
}

export type DecodeResult =
  | { ok: true; value: unknown; syntax: 'json' | 'yaml'; warnings: Issue[] }
  | { ok: false; syntax: 'json' | 'yaml'; errors: Issue[] };

/** Aliases a YAML document may expand before it counts as an alias bomb (the yaml library's default). */
const MAX_YAML_ALIASES = 100;

/**
 * Which syntax to read text as: what the content type or file name says, else JSON when the text starts
 * like JSON and YAML otherwise. JSON is tried first because its error messages are the more precise ones.
 */
export function syntaxOf(text: string, hints: SourceHints): 'json' | 'yaml' {
  const type = (hints.contentType ?? '').toLowerCase();
  if (type.includes('json')) return 'json';
  if (type.includes('yaml') || type.includes('yml')) return 'yaml';
  const name = (hints.filename ?? '').toLowerCase();
  if (/\.(json|jsonld)$/.test(name)) return 'json';
  if (/\.ya?ml$/.test(name)) return 'yaml';
  return /^\s*[[{]/.test(text) ? 'json' : 'yaml';
}

export function decodeText(input: string, hints: SourceHints = {}): DecodeResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const syntax = syntaxOf(text, hints);
  if (text.trim() === '') return { ok: false, syntax, errors: [{ path: '', message: 'the definition is empty' }] };
  return syntax === 'json' ? decodeJson(text) : decodeYaml(text);
}

function decodeJson(text: string): DecodeResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown, syntax: 'json', warnings: [] };
  } catch (error) {
    const located = findJsonSyntaxError(text);
    if (located === undefined) {
      return { ok: false, syntax: 'json', errors: [{ path: '', message: `invalid JSON: ${messageOf(error)}` }] };
    }
    const { line, column } = lineColumnOf(text, located.offset);
    return {
      ok: false,
      syntax: 'json',
      errors: [{ path: '', message: `invalid JSON at line ${line}, column ${column}: ${located.message}` }],
    };
  }
}

function decodeYaml(text: string): DecodeResult {
  const lineCounter = new LineCounter();
  // Duplicate keys are errors (the second would silently win); merge keys (`<<: *defaults`) are common in
  // compose files and are honoured.
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: true, lineCounter });
  const located = (error: { pos: [number, number]; message: string }): Issue => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    return { path: '', message: `invalid YAML at line ${line}, column ${col}: ${error.message}` };
  };
  if (doc.errors.length > 0) return { ok: false, syntax: 'yaml', errors: doc.errors.map(located) };
  try {
    const value: unknown = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    return { ok: true, value, syntax: 'yaml', warnings: doc.warnings.map(located) };
  } catch (error) {
    return { ok: false, syntax: 'yaml', errors: [{ path: '', message: `invalid YAML: ${messageOf(error)}` }] };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
