/**
 * Value coercions shared by the three format readers, so "512m", "1m30s", "0.5" or "TCP" mean the same
 * thing whatever file they were written in. Each coercer reports its own precise error and returns
 * undefined; none throws.
 *
 * Units follow Docker, since Docker runs the result: memory suffixes are binary whatever their spelling
 * (k/kb/ki/kib = 1024, m = 1024², g = 1024³, t = 1024⁴), durations are Go durations ("1m30s", "500ms")
 * and a bare number of seconds, CPUs are cores ("0.5") or Kubernetes millicores ("500m").
 */
import { RESTART_POLICIES, type ContainerSpec } from '../models/stackSpec.js';
import { describeValue, mustBeOneOf, quote } from '../validation/describe.js';
import { jsonPath } from '../validation/jsonPath.js';
import type { Diagnostics } from './diagnostics.js';
import { isPlainObject, type Coercer } from './objectReader.js';
import { splitShellWords } from './shellWords.js';

export const asString: Coercer<string> = (value, path, diag) => {
  if (typeof value === 'string') return value;
  diag.error(path, `must be a string, got ${describeValue(value)}`);
  return undefined;
};

export const asNonEmptyString: Coercer<string> = (value, path, diag) => {
  const text = asString(value, path, diag);
  if (text === undefined) return undefined;
  if (text.trim() === '') {
    diag.error(path, 'must not be empty');
    return undefined;
  }
  return text;
};

/** Strings, numbers and booleans as text (environment values, labels); anything else is an error. */
export const asScalarString: Coercer<string> = (value, path, diag) => {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  diag.error(path, `must be a string, number or boolean, got ${describeValue(value)}`);
  return undefined;
};

export const asBoolean: Coercer<boolean> = (value, path, diag) => {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  diag.error(path, `must be true or false, got ${describeValue(value)}`);
  return undefined;
};

/** Whole numbers, also written as digit strings ("8080"); the range is validation's job. */
export function asInteger(what = 'a whole number'): Coercer<number> {
  return (value, path, diag) => {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
    diag.error(path, `must be ${what}, got ${describeValue(value)}`);
    return undefined;
  };
}

/** Any finite number, also written as a numeric string. */
export const asFiniteNumber: Coercer<number> = (value, path, diag) => {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  diag.error(path, `must be a number, got ${describeValue(value)}`);
  return undefined;
};

export const asPortNumber: Coercer<number> = asInteger('a port number (1-65535)');

/** A closed set, matched case-insensitively ("TCP" → "tcp"). */
export function asOneOf<T extends string>(allowed: readonly T[], what: string): Coercer<T> {
  return (value, path, diag) => {
    if (typeof value === 'string') {
      const match = allowed.find((option) => option === value.trim().toLowerCase());
      if (match !== undefined) return match;
    }
    diag.error(path, `${what} ${mustBeOneOf(allowed, value)}`);
    return undefined;
  };
}

/** argv: a list of words as given, or a string split like a shell would (see shellWords.ts). */
export const asArgv: Coercer<string[]> = (value, path, diag) => {
  if (typeof value === 'string') {
    const split = splitShellWords(value);
    if (split.ok) return split.words;
    diag.error(path, `command ${quote(value)} ${split.reason}`);
    return undefined;
  }
  if (!Array.isArray(value)) {
    diag.error(path, `must be a string or a list of strings, got ${describeValue(value)}`);
    return undefined;
  }
  const words: string[] = [];
  value.forEach((item: unknown, i) => {
    const word = asScalarString(item, `${path}[${i}]`, diag);
    if (word !== undefined) words.push(word);
  });
  return words.length === value.length ? words : undefined;
};

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  ki: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  ti: 1024 ** 4,
  tib: 1024 ** 4,
};

/** Bytes: a positive number, or a size string like "512m", "1g", "256Mi", "1GiB" (binary units). */
export const asMemoryBytes: Coercer<number> = (value, path, diag) => {
  const fail = (): undefined => {
    diag.error(path, `must be a number of bytes or a size like "512m", "1g", "256Mi"; got ${describeValue(value)}`);
    return undefined;
  };
  let bytes: number;
  if (typeof value === 'number') bytes = value;
  else if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
    const unit = MEMORY_UNITS[(match?.[2] ?? '').toLowerCase()];
    if (match === null || unit === undefined) return fail();
    bytes = Number(match[1]) * unit;
  } else return fail();
  if (!Number.isFinite(bytes) || bytes <= 0) {
    diag.error(path, `must be a positive size, got ${describeValue(value)}`);
    return undefined;
  }
  return Math.round(bytes);
};

/** Cores: a positive number, a numeric string ("0.5") or millicores ("500m"). */
export const asCpus: Coercer<number> = (value, path, diag) => {
  let cpus: number | undefined;
  if (typeof value === 'number') cpus = value;
  else if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d+(?:\.\d+)?$/.test(text)) cpus = Number(text);
    else if (/^\d+m$/.test(text)) cpus = Number(text.slice(0, -1)) / 1000;
  }
  if (cpus === undefined || !Number.isFinite(cpus)) {
    diag.error(path, `must be a number of CPUs like 0.5, "2" or "500m"; got ${describeValue(value)}`);
    return undefined;
  }
  if (cpus <= 0) {
    diag.error(path, `must be more than 0 CPUs, got ${describeValue(value)}`);
    return undefined;
  }
  return cpus;
};

const DURATION_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|μs|ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/g;

/** Seconds: a number of seconds (also as a string) or a Go duration ("30s", "1m30s", "500ms"). */
export const asSeconds: Coercer<number> = (value, path, diag) => {
  let seconds: number | undefined;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d+(?:\.\d+)?$/.test(text)) seconds = Number(text);
    else if (DURATION.test(text)) {
      seconds = 0;
      for (const match of text.matchAll(DURATION_PART)) seconds += Number(match[1]) * (DURATION_UNITS[match[2] ?? ''] ?? 0);
    }
  }
  if (seconds === undefined || !Number.isFinite(seconds)) {
    diag.error(path, `must be a number of seconds or a duration like "30s", "1m30s", "500ms"; got ${describeValue(value)}`);
    return undefined;
  }
  if (seconds < 0) {
    diag.error(path, `must not be negative, got ${describeValue(value)}`);
    return undefined;
  }
  // Round away binary noise such as 0.1 + 0.2 from summed parts; durations finer than a microsecond are moot.
  return Math.round(seconds * 1e6) / 1e6;
};

export type RestartPolicy = NonNullable<ContainerSpec['restartPolicy']>;

/**
 * Docker restart policies. `on-failure:N` (Docker's retry limit) is accepted as on-failure with a warning:
 * the spec has no retry count, and restarting more often is closer to the user's intent than failing.
 * `false` is read as "no" for files written with YAML 1.1 habits.
 */
export const asRestartPolicy: Coercer<RestartPolicy> = (value, path, diag) => {
  if (value === false) return 'no';
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    const limited = /^on-failure:(\d+)$/.exec(text);
    if (limited !== null) {
      diag.warn(path, `retry limit ${limited[1] ?? ''} of "on-failure" is not supported: the container restarts after every failure`);
      return 'on-failure';
    }
    const match = RESTART_POLICIES.find((policy) => policy === text);
    if (match !== undefined) return match;
  }
  diag.error(path, `restart policy ${mustBeOneOf(RESTART_POLICIES, value)}`);
  return undefined;
};

/** Visits every element of a list with its path; reports a non-list at `path`. */
export function eachOf(value: unknown, path: string, diag: Diagnostics, visit: (item: unknown, itemPath: string, index: number) => void): void {
  if (!Array.isArray(value)) {
    diag.error(path, `must be a list, got ${describeValue(value)}`);
    return;
  }
  value.forEach((item: unknown, index) => visit(item, `${path}[${index}]`, index));
}

/**
 * A host reference: a host id, or a JSON-LD node reference `{"@id": "vm1"}`. Host ids are agent ids and are
 * used verbatim.
 */
export const asHostRef: Coercer<string> = (value, path, diag) => {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (isPlainObject(value) && typeof value['@id'] === 'string' && value['@id'].trim() !== '') {
    const extra = Object.keys(value).filter((key) => !['@id', '@type', 'name', 'description', 'comment'].includes(key));
    for (const key of extra) diag.warn(jsonPath(path, key), `unknown field "${key}" ignored`);
    return value['@id'].trim();
  }
  diag.error(path, `must be a host id or {"@id": "<host id>"}, got ${describeValue(value)}`);
  return undefined;
};
