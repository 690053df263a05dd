/**
 * JSON paths as users read them in error messages: `hasPart[2].ports[0].hostPort`, `services.web.build`.
 * Keys that are not plain identifiers are quoted (`labels["com.example.tier"]`) so every path stays
 * unambiguous. The root is the empty string.
 */

const IDENTIFIER = /^[A-Za-z_$@][\w$@-]*$/;

export type PathSegment = string | number;

export function jsonPath(base: string, ...segments: PathSegment[]): string {
  let path = base;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

const LAST_SEGMENT = /(?:\.[A-Za-z_$@][\w$@-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])$/;

/** The path one level up, or undefined at the root. `a.b[2]` → `a.b` → `a` → `` → undefined. */
export function parentPath(path: string): string | undefined {
  if (path === '') return undefined;
  const match = LAST_SEGMENT.exec(path);
  if (match === null) return '';
  return path.slice(0, match.index);
}

/** True when `path` is `ancestor` itself or lies below it. */
export function isWithin(path: string, ancestor: string): boolean {
  if (ancestor === '') return true;
  if (!path.startsWith(ancestor)) return false;
  const next = path.charAt(ancestor.length);
  return next === '' || next === '.' || next === '[';
}
