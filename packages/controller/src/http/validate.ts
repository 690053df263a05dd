/**
 * Input validation with the shared zod schemas. Every issue comes back with its path, in the same
 * `hasPart[2].ports[0]` notation the stack validator uses:
 * - a body that parses but breaks the schema → 422 VALIDATION_FAILED (the request was well-formed);
 * - a query string that breaks its schema → 400 BAD_REQUEST (the URL itself is wrong).
 */
import { AppError, jsonPath, type ErrorCode, type Issue } from '@graphium/shared';
import type { z } from 'zod';

export function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({
    path: jsonPath('', ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment))),
    message: issue.message,
  }));
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, code: ErrorCode, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = issuesOf(result.error);
  const [first] = issues;
  const where = first === undefined || first.path === '' ? '' : `${first.path}: `;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new AppError(code, `${what} is invalid: ${where}${first?.message ?? 'rejected'}${more}`, { details: { issues } });
}

/** A JSON request body; a missing body counts as `{}` so that all-optional bodies may be left out. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  return parseWith(schema, body ?? {}, 'VALIDATION_FAILED', 'request body');
}

export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.output<T> {
  return parseWith(schema, query, 'BAD_REQUEST', 'query string');
}

/** A named path parameter (express decodes it); a route that declares `:name` always has it. */
export function pathParam(req: { params: Record<string, string | string[] | undefined> }, name: string): string {
  const value = req.params[name];
  if (typeof value !== 'string') throw new AppError('BAD_REQUEST', `path parameter ${name} is missing`);
  return value;
}
