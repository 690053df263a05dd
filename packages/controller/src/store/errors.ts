/**
 * Store errors are told apart by HTTP status and CouchDB's `error` field, never by `reason` text, which
 * differs between the embedded store and CouchDB (STORE-NOTES.md).
 */
import { AppError } from '@graphium/shared';

interface CouchError {
  statusCode?: number;
  error?: string;
}

function fieldsOf(error: unknown): CouchError {
  return typeof error === 'object' && error !== null ? (error as CouchError) : {};
}

export function isConflict(error: unknown): boolean {
  const e = fieldsOf(error);
  return e.statusCode === 409 || e.error === 'conflict';
}

export function isNotFound(error: unknown): boolean {
  const e = fieldsOf(error);
  return e.statusCode === 404 || e.error === 'not_found';
}

export function isFileExists(error: unknown): boolean {
  const e = fieldsOf(error);
  return e.statusCode === 412 || e.error === 'file_exists';
}

/** The error for a `_bulk_docs` row that was not written; it carries the row's `error` (so isConflict works). */
export function bulkRowError(id: string, row: { error?: string | undefined; reason?: string | undefined }): Error {
  return Object.assign(new Error(`store refused the write of ${id}: ${row.error ?? 'no revision returned'}`), {
    error: row.error,
    reason: row.reason,
  });
}

/** A store that does not answer (or answers 5xx) is the operator's problem to see, not the client's fault. */
export function storeUnavailable(error: unknown): AppError {
  return new AppError('STORE_UNAVAILABLE', 'the document store did not answer; try again shortly', { cause: error });
}

/** `get` that answers undefined for a missing document instead of throwing. */
export async function getOrUndefined<T>(fetch: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fetch();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Runs a store operation; store failures (no answer, 5xx) become STORE_UNAVAILABLE, AppErrors pass through. */
export async function withStoreErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const status = fieldsOf(error).statusCode;
    if (typeof status !== 'number' || status >= 500) throw storeUnavailable(error);
    throw error;
  }
}
