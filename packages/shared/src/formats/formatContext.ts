import type { SourceMap } from '../validation/sourceMap.js';
import type { SourceHints } from './decode.js';
import type { Diagnostics } from './diagnostics.js';

export interface ReaderOptions extends SourceHints {
  /**
   * Values for compose variable interpolation (`${TAG}`). Default: none. `shared` never reads the process
   * environment; a CLI that wants compose's shell behaviour passes its environment here.
   */
  variables?: Readonly<Record<string, string>>;
}

/** What a format reader works with: where to report, where to record source paths, the caller's options. */
export interface FormatContext {
  diag: Diagnostics;
  sources: SourceMap;
  options: ReaderOptions;
}
