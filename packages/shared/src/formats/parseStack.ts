import { AppError, type Issue } from '../errors.js';
import { stackSpec, type StackFormat, type StackSpec } from '../models/stackSpec.js';
import { isWithin, jsonPath } from '../validation/jsonPath.js';
import { SourceMap } from '../validation/sourceMap.js';
import { validateStack } from '../validation/validateStack.js';
import { parseCompose } from './compose.js';
import { decodeText } from './decode.js';
import { detectFormat } from './detect.js';
import { Diagnostics, formatIssue } from './diagnostics.js';
import { parseEve } from './eve.js';
import type { FormatContext } from './formatContext.js';
import { parseJsonLd } from './jsonld.js';
import type { ParseFailure, ParseOptions, ParseResult, ParseSuccess } from './types.js';

/**
 * Any stack definition → a validated StackSpec, or every problem found with its path in the user's file.
 *
 *   text or value ─ decode (JSON / YAML) ─ detect format ─ format reader ─ validation ─ schema check
 *
 * Each stage reports into the same lists and the next one still runs where it can, so one submission shows
 * all its errors. A later stage stays quiet about a path an earlier one already reported (a missing image
 * is "required", not also "not a valid reference"). Bad input never throws; only a bug would, and even that
 * comes back as a failed result rather than escaping to an HTTP 500.
 */
export function parseStack(input: unknown, options: ParseOptions = {}): ParseResult {
  try {
    return parseUnguarded(input, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      code: 'VALIDATION_FAILED',
      errors: [{ path: '', message: `the definition could not be read (internal parser error: ${message})` }],
      warnings: [],
    };
  }
}

/** parseStack for callers that want an exception: AppError(code, message, {details: {errors, warnings}}). */
export function parseStackOrThrow(input: unknown, options: ParseOptions = {}): ParseSuccess {
  const result = parseStack(input, options);
  if (result.ok) return result;
  const [first] = result.errors;
  const more = result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : '';
  const summary = first === undefined ? 'invalid stack definition' : `invalid stack definition: ${formatIssue(first)}${more}`;
  throw new AppError(result.code, summary, { details: { errors: result.errors, warnings: result.warnings } });
}

const READERS: Record<StackFormat, (document: unknown, ctx: FormatContext) => StackSpec | undefined> = {
  jsonld: parseJsonLd,
  eve: parseEve,
  compose: parseCompose,
};

function parseUnguarded(input: unknown, options: ParseOptions): ParseResult {
  let document = input;
  const decodeWarnings: Issue[] = [];
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: false }).decode(input);
    const decoded = decodeText(text, options);
    if (!decoded.ok) return { ok: false, code: 'VALIDATION_FAILED', errors: decoded.errors, warnings: [] };
    document = decoded.value;
    decodeWarnings.push(...decoded.warnings);
  }

  const detection = detectFormat(document);
  if (!detection.ok) {
    return { ok: false, code: 'UNKNOWN_FORMAT', errors: [{ path: '', message: detection.message }], warnings: decodeWarnings };
  }
  const { format } = detection;
  const diag = new Diagnostics();
  diag.warnings.push(...decodeWarnings);
  const sources = new SourceMap();
  const candidate = READERS[format](document, { diag, sources, options });

  const errors = [...diag.errors];
  let spec: StackSpec | undefined;
  if (candidate !== undefined) {
    // A location already reported, inside one, or around one (the "no containers" of a list whose only
    // entry was unreadable) has been explained.
    const reported = errors.map((issue) => issue.path);
    const fresh = (issue: Issue): boolean =>
      !reported.some((path) => isWithin(issue.path, path) || isWithin(path, issue.path));
    errors.push(...validateStack(candidate, sources).filter(fresh));
    // The schema is the last word on the stored shape; its complaints should all have been caught above,
    // and any that were not still come back located.
    const checked = stackSpec.safeParse(candidate);
    if (checked.success) spec = checked.data;
    else {
      const located = checked.error.issues.map((issue) => ({
        path: sources.resolve(jsonPath('', ...issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment))))),
        message: issue.message,
      }));
      const known = errors.map((issue) => issue.path);
      errors.push(...located.filter((issue) => !known.some((path) => isWithin(issue.path, path) || isWithin(path, issue.path))));
    }
  }
  const warnings = unique(diag.warnings);
  if (errors.length > 0 || spec === undefined) {
    const failure: ParseFailure = { ok: false, format, code: 'VALIDATION_FAILED', errors: unique(errors), warnings };
    if (failure.errors.length === 0) failure.errors.push({ path: '', message: 'the definition could not be read' });
    return failure;
  }
  return { ok: true, format, spec, warnings, sourceMap: sources };
}

function unique(issues: readonly Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
