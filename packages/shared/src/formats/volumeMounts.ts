import { VOLUME_TYPES, type VolumeMountSpec } from '../models/stackSpec.js';
import { describeValue, quote } from '../validation/describe.js';
import { asBoolean, asOneOf, asString } from './coerce.js';
import type { Diagnostics } from './diagnostics.js';
import type { Located } from './located.js';
import { ObjectReader, isPlainObject } from './objectReader.js';

export type MountEntry = Located<VolumeMountSpec>;

export type VolumeStringResult =
  | { ok: true; mount: VolumeMountSpec; ignoredOptions: string[] }
  | { ok: false; reason: string };

/** Mount options Docker knows that have no field in the spec: accepted, and named in a warning. */
const IGNORED_MOUNT_OPTIONS = new Set([
  'z', 'Z', 'nocopy', 'consistent', 'cached', 'delegated', 'shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate',
]);

export const asVolumeType = asOneOf(VOLUME_TYPES, 'mount type');

/**
 * A source that looks like a path (`/srv`, `./data`, `~/x`) is a bind mount, anything else names a volume.
 * Docker and compose decide the same way.
 */
export function mountTypeOfSource(source: string): VolumeMountSpec['type'] {
  return /^[/.~]/.test(source) ? 'bind' : 'volume';
}

/**
 * Docker's short volume syntax `[source:]target[:options]`: "data:/var/lib/x:ro", "/srv:/srv",
 * "./conf:/etc/conf", "/scratch" (an anonymous volume).
 */
export function parseVolumeString(text: string): VolumeStringResult {
  const parts = text.split(':');
  if (parts.length > 3) return { ok: false, reason: `${quote(text)} has too many ":" (expected source:target:options)` };
  const [first = '', second, third] = parts;
  const mount: VolumeMountSpec = { target: first, type: 'volume', readOnly: false };
  if (second !== undefined) {
    if (first === '') return { ok: false, reason: `${quote(text)} has an empty source` };
    mount.source = first;
    mount.target = second;
    mount.type = mountTypeOfSource(first);
  }
  if (mount.target === '') return { ok: false, reason: `${quote(text)} has no target path` };
  const ignoredOptions: string[] = [];
  for (const option of (third ?? '').split(',').filter((o) => o !== '')) {
    if (option === 'ro') mount.readOnly = true;
    else if (option === 'rw') mount.readOnly = false;
    else if (IGNORED_MOUNT_OPTIONS.has(option)) ignoredOptions.push(option);
    else return { ok: false, reason: `${quote(text)} has an unknown mount option ${quote(option)}` };
  }
  return { ok: true, mount, ignoredOptions };
}

/** One short-syntax mount string as a located entry, warning about options the spec cannot carry. */
export function readVolumeString(text: string, path: string, diag: Diagnostics): MountEntry | undefined {
  const parsed = parseVolumeString(text);
  if (!parsed.ok) {
    diag.error(path, parsed.reason);
    return undefined;
  }
  if (parsed.ignoredOptions.length > 0) {
    diag.warn(path, `mount option(s) ${parsed.ignoredOptions.map((o) => quote(o)).join(', ')} ignored`);
  }
  return { value: parsed.mount, path, fieldPaths: {} };
}

/**
 * Mounts as JSON-LD and EVE write them: objects `{source, target, type, readOnly}` or short-syntax strings.
 * Without `type`, a path-like source means a bind mount (as in Docker), otherwise a named volume.
 */
export function readMountList(value: unknown, path: string, diag: Diagnostics): MountEntry[] {
  if (!Array.isArray(value)) {
    diag.error(path, `must be a list of mounts, got ${describeValue(value)}`);
    return [];
  }
  const entries: MountEntry[] = [];
  value.forEach((item: unknown, i) => {
    const at = `${path}[${i}]`;
    if (typeof item === 'string') {
      const entry = readVolumeString(item, at, diag);
      if (entry !== undefined) entries.push(entry);
      return;
    }
    if (!isPlainObject(item)) {
      diag.error(at, `must be a mount object or a "source:target" string, got ${describeValue(item)}`);
      return;
    }
    const reader = ObjectReader.open(item, at, diag);
    if (reader === undefined) return;
    reader.accept('@type', '@id', 'description', 'comment');
    const source = reader.read('source', asString);
    const target = reader.require('target', asString);
    const type = reader.read('type', asVolumeType);
    const readOnly = reader.read('readOnly', asBoolean);
    const fieldPaths: Record<string, string> = {};
    for (const field of ['source', 'target', 'type', 'readOnly']) fieldPaths[field] = reader.pathOf(field);
    reader.finish();
    if (target === undefined) return;
    const mount: VolumeMountSpec = {
      target,
      type: type ?? (source !== undefined && source !== '' ? mountTypeOfSource(source) : 'volume'),
      readOnly: readOnly ?? false,
    };
    if (source !== undefined && source !== '') mount.source = source;
    entries.push({ value: mount, path: at, fieldPaths });
  });
  return entries;
}
