import { DEPENDENCY_CONDITIONS, type DependencySpec } from '../models/stackSpec.js';
import { describeValue, mustBeOneOf } from '../validation/describe.js';
import { asBoolean, asString } from './coerce.js';
import type { Diagnostics } from './diagnostics.js';
import type { Located } from './located.js';
import { ObjectReader, isPlainObject, type Coercer } from './objectReader.js';

export type DependencyEntry = Located<DependencySpec>;

/** started | healthy; compose's service_started / service_healthy are accepted as the same thing. */
export const asDependencyCondition: Coercer<DependencySpec['condition']> = (value, path, diag) => {
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase().replace(/^service_/, '');
    const match = DEPENDENCY_CONDITIONS.find((condition) => condition === text);
    if (match !== undefined) return match;
  }
  diag.error(path, `dependency condition ${mustBeOneOf(DEPENDENCY_CONDITIONS, value)}`);
  return undefined;
};

/**
 * Dependencies as JSON-LD and EVE write them: one name, or a list of names, node references
 * `{"@id": …}` or objects `{name, condition}` / `{name, waitForHealthy}`. `resolveId` turns an `@id` (or a
 * string that is one) into the container's name; unresolved references are kept as written, so validation
 * reports them as unknown dependencies.
 */
export function readDependencyList(
  value: unknown,
  path: string,
  diag: Diagnostics,
  resolveId: (id: string) => string | undefined = () => undefined,
): DependencyEntry[] {
  const items: unknown[] = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  if (typeof value !== 'string' && !Array.isArray(value)) {
    diag.error(path, `must be a container name or a list of them, got ${describeValue(value)}`);
    return [];
  }
  const entries: DependencyEntry[] = [];
  items.forEach((item, i) => {
    const at = typeof value === 'string' ? path : `${path}[${i}]`;
    if (typeof item === 'string') {
      if (item.trim() === '') diag.error(at, 'dependency name must not be empty');
      else entries.push({ value: { name: resolveId(item) ?? item, condition: 'started' }, path: at, fieldPaths: {} });
      return;
    }
    if (!isPlainObject(item)) {
      diag.error(at, `must be a container name or {name, condition}, got ${describeValue(item)}`);
      return;
    }
    const reader = ObjectReader.open(item, at, diag);
    if (reader === undefined) return;
    reader.accept('@type', 'description', 'comment');
    const id = reader.read('@id', asString);
    const name = reader.has('name') || id === undefined ? reader.require('name', asString) : undefined;
    const condition = reader.read('condition', asDependencyCondition);
    const waitForHealthy = reader.read('waitForHealthy', asBoolean);
    reader.finish();
    const resolved = name ?? (id === undefined ? undefined : (resolveId(id) ?? id));
    if (resolved === undefined) return;
    const healthy = condition === 'healthy' || waitForHealthy === true;
    entries.push({ value: { name: resolved, condition: healthy ? 'healthy' : 'started' }, path: at, fieldPaths: {} });
  });
  return entries;
}

/**
 * One entry per dependency name, in first-mention order; when a name is listed twice (EVE's requirements
 * and softwareRequirements often both name it) the stronger condition wins.
 */
export function mergeDependencies(entries: readonly DependencyEntry[]): DependencyEntry[] {
  const byName = new Map<string, DependencyEntry>();
  for (const entry of entries) {
    const earlier = byName.get(entry.value.name);
    if (earlier === undefined) byName.set(entry.value.name, entry);
    else if (entry.value.condition === 'healthy' && earlier.value.condition !== 'healthy') {
      byName.set(entry.value.name, { ...earlier, value: { ...earlier.value, condition: 'healthy' }, path: entry.path });
    }
  }
  return [...byName.values()];
}
