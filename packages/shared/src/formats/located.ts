import { jsonPath } from '../validation/jsonPath.js';
import type { SourceMap } from '../validation/sourceMap.js';

/**
 * A normalized value and where it was written: the entry itself, and each field when the entry was an
 * object (a short-syntax string like "8080:80" has no field paths; errors about it point at the string).
 */
export interface Located<T> {
  value: T;
  path: string;
  fieldPaths: Record<string, string>;
}

/** The spec's list, with every entry and field recorded against its source. */
export function recordList<T>(entries: ReadonlyArray<Located<T>>, specPath: string, sources: SourceMap): T[] {
  return entries.map((entry, m) => {
    sources.record(jsonPath(specPath, m), entry.path);
    for (const [field, path] of Object.entries(entry.fieldPaths)) sources.record(jsonPath(specPath, m, field), path);
    return entry.value;
  });
}
