import { describeValue } from '../validation/describe.js';
import { jsonPath } from '../validation/jsonPath.js';
import type { Diagnostics } from './diagnostics.js';

/** Reads one value into a typed one, reporting at `path` when it cannot; undefined means "reported". */
export type Coercer<T> = (value: unknown, path: string, diag: Diagnostics) => T | undefined;

/**
 * An object literal or JSON object, from this realm or another (a value built by another vm context or
 * by structuredClone has a different Object.prototype): its prototype is null or has none itself.
 * Class instances, Maps, Dates, boxed primitives are not plain.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.prototype.toString.call(value) !== '[object Object]') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/**
 * Reads the fields of one user object and keeps count of which ones were understood, so that `finish()`
 * can warn about every other field by name instead of letting it vanish. Input is `unknown` all the way
 * down: every read checks the type and reports a precise path rather than throwing.
 *
 * A field whose value is null counts as absent (YAML writes `key:` for "nothing here").
 */
export class ObjectReader {
  private readonly used = new Set<string>();

  private constructor(
    readonly value: Record<string, unknown>,
    readonly path: string,
    readonly diag: Diagnostics,
  ) {}

  /** A reader for `value`, or undefined (with an error at `path`) when it is not an object. */
  static open(value: unknown, path: string, diag: Diagnostics, what = 'an object'): ObjectReader | undefined {
    if (!isPlainObject(value)) {
      diag.error(path, `must be ${what}, got ${describeValue(value)}`);
      return undefined;
    }
    return new ObjectReader(value, path, diag);
  }

  pathOf(key: string): string {
    return jsonPath(this.path, key);
  }

  /** Whether a field holds a value. Asking marks the key as known: only keys nobody asked about get warnings. */
  has(key: string): boolean {
    this.used.add(key);
    return hasOwn(this.value, key) && this.value[key] !== null && this.value[key] !== undefined;
  }

  /** The raw value of a field (marked as understood); undefined when absent or null. */
  take(key: string): unknown {
    this.used.add(key);
    if (!hasOwn(this.value, key)) return undefined;
    const value = this.value[key];
    return value === null ? undefined : value;
  }

  read<T>(key: string, coerce: Coercer<T>): T | undefined {
    const value = this.take(key);
    return value === undefined ? undefined : coerce(value, this.pathOf(key), this.diag);
  }

  /** Like `read`, with an error at the field's path when it is missing. */
  require<T>(key: string, coerce: Coercer<T>, what = `"${key}"`): T | undefined {
    const value = this.take(key);
    if (value === undefined) {
      this.diag.error(this.pathOf(key), `${what} is required`);
      return undefined;
    }
    return coerce(value, this.pathOf(key), this.diag);
  }

  /** Fields that are understood and deliberately unused (JSON-LD bookkeeping such as `@type`). */
  accept(...keys: string[]): void {
    for (const key of keys) this.used.add(key);
  }

  /** Fields present that nothing read yet, in document order. */
  unread(): string[] {
    return Object.keys(this.value).filter((key) => !this.used.has(key));
  }

  /** Warns about every field nobody read. `explain` may give a specific reason for some keys. */
  finish(explain: (key: string) => string | undefined = () => undefined): void {
    for (const key of this.unread()) {
      this.used.add(key);
      this.diag.warn(this.pathOf(key), explain(key) ?? `unknown field "${key}" ignored`);
    }
  }
}
