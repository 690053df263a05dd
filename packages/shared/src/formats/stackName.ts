import { asNonEmptyString } from './coerce.js';
import type { FormatContext } from './formatContext.js';
import type { ObjectReader } from './objectReader.js';

/** File names that say nothing about the stack; compose itself names such projects after the directory. */
const GENERIC_BASENAMES = new Set(['compose', 'docker-compose', 'stack', 'graphium']);

/**
 * The stack's name: the `name` field, else derived from the file name (`shop.yml` → "shop"; for generic
 * names like `docker-compose.yml` the directory, as docker compose does: `shop/docker-compose.yml` →
 * "shop"), else an error at `name`.
 */
export function readStackName(reader: ObjectReader, ctx: FormatContext): string {
  ctx.sources.record('name', reader.pathOf('name'));
  if (reader.has('name')) return reader.read('name', asNonEmptyString) ?? '';
  const fromFile = nameFromFilename(ctx.options.filename);
  if (fromFile !== undefined) return fromFile;
  ctx.diag.error(reader.pathOf('name'), 'the stack needs a "name" (none given, and no file name to take it from)');
  return '';
}

export function nameFromFilename(filename: string | undefined): string | undefined {
  if (filename === undefined) return undefined;
  const parts = filename.split(/[\\/]/).filter((part) => part !== '');
  const base = (parts.pop() ?? '').replace(/\.[^.]*$/, '').replace(/\.override$/, '');
  const directory = parts.pop();
  if (GENERIC_BASENAMES.has(base.toLowerCase()) && directory !== undefined && directory !== '.' && directory !== '..') {
    return directory;
  }
  return base === '' ? undefined : base;
}
