import { describeValue } from '../validation/describe.js';
import { jsonPath } from '../validation/jsonPath.js';
import type { SourceMap } from '../validation/sourceMap.js';
import { asScalarString, asString } from './coerce.js';
import type { Diagnostics } from './diagnostics.js';
import { ObjectReader, isPlainObject } from './objectReader.js';

/** One `KEY=value` pair and where it was written. */
export interface KeyValue {
  key: string;
  value: string;
  path: string;
}

export interface KeyValueOptions {
  /** "environment variable", "label", … — used in messages. */
  what: string;
  /**
   * The value of a key written without one (`KEY` in a list, `KEY:` in a map); when it returns undefined it
   * has reported the error itself. Default: an error, since an empty value is rarely what was meant.
   */
  missing?: (key: string, path: string, diag: Diagnostics) => string | undefined;
}

/**
 * Key/value settings in every shape the formats use: a `{KEY: value}` map, a list of `{name, value}`
 * objects (JSON-LD PropertyValue), or a list of `KEY=value` strings (compose). Numbers and booleans become
 * strings; objects are errors, never stringified into "[object Object]".
 */
export function readKeyValues(value: unknown, path: string, diag: Diagnostics, options: KeyValueOptions): KeyValue[] {
  const out: KeyValue[] = [];
  const missing = (key: string, at: string): void => {
    const filled = options.missing?.(key, at, diag);
    if (filled !== undefined) out.push({ key, value: filled, path: at });
    else if (options.missing === undefined) diag.error(at, `${options.what} ${JSON.stringify(key)} has no value`);
  };

  if (isPlainObject(value)) {
    for (const [key, raw] of Object.entries(value)) {
      const at = jsonPath(path, key);
      if (raw === null || raw === undefined) missing(key, at);
      else {
        const text = asScalarString(raw, at, diag);
        if (text !== undefined) out.push({ key, value: text, path: at });
      }
    }
    return out;
  }
  if (!Array.isArray(value)) {
    diag.error(path, `must be a map of names to values or a list, got ${describeValue(value)}`);
    return out;
  }
  value.forEach((item: unknown, i) => {
    const at = `${path}[${i}]`;
    if (typeof item === 'string') {
      const eq = item.indexOf('=');
      if (eq < 0) missing(item, at);
      else out.push({ key: item.slice(0, eq), value: item.slice(eq + 1), path: at });
      return;
    }
    if (!isPlainObject(item)) {
      diag.error(at, `must be a "NAME=value" string or a {name, value} object, got ${describeValue(item)}`);
      return;
    }
    const reader = ObjectReader.open(item, at, diag);
    if (reader === undefined) return;
    reader.accept('@type', '@id', 'description', 'comment');
    const key = reader.require('name', asString);
    const raw = reader.take('value');
    reader.finish();
    if (key === undefined) return;
    if (raw === undefined) missing(key, reader.pathOf('value'));
    else {
      const text = asScalarString(raw, reader.pathOf('value'), diag);
      if (text !== undefined) out.push({ key, value: text, path: at });
    }
  });
  return out;
}

/**
 * Folds key/values (possibly from two aliases of one field) into the spec's map, recording where each key
 * came from. A repeated key keeps its later value, as Docker would, with a warning.
 */
export function toStringMap(
  entries: readonly KeyValue[],
  specPath: string,
  sources: SourceMap,
  diag: Diagnostics,
  what: string,
): Record<string, string> {
  const seen = new Map<string, KeyValue>();
  for (const entry of entries) {
    const earlier = seen.get(entry.key);
    if (earlier !== undefined) {
      diag.warn(entry.path, `${what} ${JSON.stringify(entry.key)} is also set at ${earlier.path}; the later value wins`);
      seen.delete(entry.key);
    }
    seen.set(entry.key, entry);
    sources.record(jsonPath(specPath, entry.key), entry.path);
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays an ordinary key.
  return Object.fromEntries([...seen.values()].map((entry) => [entry.key, entry.value]));
}
