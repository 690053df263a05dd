import type { Issue } from '../errors.js';
import type { StackSpec } from '../models/stackSpec.js';
import { jsonPath, type PathSegment } from './jsonPath.js';
import type { SourceMap } from './sourceMap.js';

/**
 * What every validation rule gets: the spec, and a way to report an error at a spec path. Paths are written
 * against the normalized spec (`containers[1].ports[0].hostPort`) and translated through the source map into
 * the user's own file, so rules never need to know which format a stack came from.
 */
export class ValidationContext {
  readonly issues: Issue[] = [];

  constructor(
    readonly spec: StackSpec,
    private readonly sources: SourceMap,
  ) {}

  error(specPath: string, message: string): void {
    this.issues.push({ path: this.sources.resolve(specPath), message });
  }

  /** The source path of another location, for messages that point at two places ("also requested by …"). */
  where(specPath: string): string {
    return this.sources.resolve(specPath);
  }
}

export type ValidationRule = (ctx: ValidationContext) => void;

export function containerPath(index: number, ...segments: PathSegment[]): string {
  return jsonPath('containers', index, ...segments);
}
