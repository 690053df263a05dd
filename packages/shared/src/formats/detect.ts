import type { StackFormat } from '../models/stackSpec.js';
import { describeValue } from '../validation/describe.js';
import { hasOwn, isPlainObject } from './objectReader.js';

export type Detection = { ok: true; format: StackFormat } | { ok: false; message: string };

export const ACCEPTED_FORMATS =
  'Graphium JSON-LD ("@graph" with a Stack node), an EVE ItemList ("@type": "ItemList" with "itemListElement") ' +
  'or a compose file (a "services" map)';

/** The `@type` values of a node: a string or a list of strings; anything else counts as none. */
export function typesOf(node: Record<string, unknown>): string[] {
  const type = node['@type'];
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : [];
}

/** `datacenter:Stack`, `https://schema.org/ItemList`, `Stack` → the name after the last ":", "/" or "#". */
export function hasType(node: Record<string, unknown>, name: string): boolean {
  return typesOf(node).some((type) => type.split(/[:/#]/).pop() === name);
}

/**
 * Which format a decoded definition is in, from its shape alone (file names and content types are hints
 * for decoding, never for this). The checks go from the most specific marker to the least.
 */
export function detectFormat(value: unknown): Detection {
  if (!isPlainObject(value)) {
    return { ok: false, message: `unrecognized stack format: expected ${ACCEPTED_FORMATS}; found ${describeValue(value)}` };
  }
  if (hasOwn(value, '@graph')) return { ok: true, format: 'jsonld' };
  if (hasType(value, 'ItemList') || hasOwn(value, 'itemListElement')) return { ok: true, format: 'eve' };
  if (hasOwn(value, 'services')) return { ok: true, format: 'compose' };
  // A stack written as one JSON-LD node, without a @graph around it.
  if (hasType(value, 'Stack') || hasOwn(value, 'hasPart')) return { ok: true, format: 'jsonld' };
  const keys = Object.keys(value);
  const found =
    keys.length === 0
      ? 'an empty object'
      : `an object with keys ${keys
          .slice(0, 8)
          .map((key) => JSON.stringify(key))
          .join(', ')}${keys.length > 8 ? ', …' : ''}`;
  return { ok: false, message: `unrecognized stack format: expected ${ACCEPTED_FORMATS}; found ${found}` };
}
