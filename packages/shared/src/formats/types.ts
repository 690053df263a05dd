import type { Issue } from '../errors.js';
import type { StackFormat, StackSpec } from '../models/stackSpec.js';
import type { SourceMap } from '../validation/sourceMap.js';
import type { ReaderOptions } from './formatContext.js';

/**
 * Options of parseStack. All optional:
 * - contentType: steers JSON vs YAML decoding of text (default: sniffed from the text);
 * - filename: the same, and names a stack that has no `name` (default: none);
 * - variables: values for compose `${VAR}` interpolation (default: none; the environment is never read).
 */
export type ParseOptions = ReaderOptions;

export type ParseFailureCode = 'UNKNOWN_FORMAT' | 'VALIDATION_FAILED';

export interface ParseSuccess {
  ok: true;
  format: StackFormat;
  spec: StackSpec;
  warnings: Issue[];
  /** Spec path → path in the submitted file, for errors found later (placement names containers by it). */
  sourceMap: SourceMap;
}

export interface ParseFailure {
  ok: false;
  /** Absent when the input could not be decoded or recognized. */
  format?: StackFormat;
  code: ParseFailureCode;
  errors: Issue[];
  warnings: Issue[];
}

export type ParseResult = ParseSuccess | ParseFailure;
