import { parentPath } from './jsonPath.js';

/**
 * Where each part of a normalized StackSpec came from in the user's file. Parsers record
 * `containers[2].ports[0].hostPort` → `hasPart[2].containerPort[0].hostPort` (or `services.web.ports[0]` for
 * a compose short-syntax string), so validation can talk about the spec and still point at what the user
 * wrote. Kept beside the spec rather than inside it: StackSpec stays the plain stored shape.
 *
 * Lookups fall back to the nearest recorded ancestor: a value that was one string in the source (a compose
 * port "8080:80") is reported at that string, not at a sub-field that does not exist there.
 */
export class SourceMap {
  private readonly paths = new Map<string, string>();

  record(specPath: string, sourcePath: string): void {
    this.paths.set(specPath, sourcePath);
  }

  /** The source path for a spec path; the spec path itself when nothing at or above it was recorded. */
  resolve(specPath: string): string {
    for (let path: string | undefined = specPath; path !== undefined; path = parentPath(path)) {
      const source = this.paths.get(path);
      if (source !== undefined) return source;
    }
    return specPath;
  }

  /** Every recorded pair, for tests and debugging. */
  entries(): Array<[specPath: string, sourcePath: string]> {
    return [...this.paths.entries()];
  }
}

