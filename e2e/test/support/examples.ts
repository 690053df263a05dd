/**
 * The stack definitions in examples/, and the host ids each one pins containers to (`locatedInHost`), so a
 * test can deploy on a fleet whose agents carry those ids. Most examples use the test hosts' names
 * (d1, d2, d3); the nginx multi-host reference names localhost-docker, vm1 and vm2.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './testHosts';

export interface Example {
  file: string;
  text: string;
  /** Host ids named by locatedInHost anywhere in the definition. */
  pinnedHosts: string[];
}

function pinnedIn(value: unknown, found: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) pinnedIn(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'locatedInHost') {
        const id = typeof inner === 'string' ? inner : (inner as { '@id'?: unknown })['@id'];
        if (typeof id === 'string') found.add(id);
      } else {
        pinnedIn(inner, found);
      }
    }
  }
}

export function examples(): Example[] {
  const dir = join(workspaceRoot(), 'examples');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => /\.(json|ya?ml)$/.test(file))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const found = new Set<string>();
      if (file.endsWith('.json')) pinnedIn(JSON.parse(text), found);
      return { file, text, pinnedHosts: [...found].sort() };
    });
}

/** The examples every pinned host of which is among `hostIds`. */
export function examplesFor(hostIds: readonly string[]): Example[] {
  return examples().filter((e) => e.pinnedHosts.every((h) => hostIds.includes(h)));
}
