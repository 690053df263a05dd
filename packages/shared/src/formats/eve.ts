import type { ContainerSpec, StackSpec } from '../models/stackSpec.js';
import { describeValue } from '../validation/describe.js';
import { jsonPath } from '../validation/jsonPath.js';
import { asFiniteNumber } from './coerce.js';
import { BOOKKEEPING_KEYS, readContainerFields } from './containerFields.js';
import { readDependencyList, type DependencyEntry } from './dependencies.js';
import type { FormatContext } from './formatContext.js';
import { ObjectReader, isPlainObject } from './objectReader.js';
import { readStackHeader } from './stackHeader.js';

/**
 * EVE ItemList (DESIGN §3.2): a schema.org ItemList whose elements are containers, started in `position`
 * order. `requirements` (names) become plain dependencies; `softwareRequirements` entries with
 * `waitForHealthy: true` make the dependent wait until the dependency is healthy.
 *
 * Elements may also be schema.org ListItems wrapping the container in `item`. Beyond the EVE fields, an
 * element accepts every canonical container field (restartPolicy, labels, resources, locatedInHost, …), and
 * the list accepts `deployment` and `locatedInHost` like a JSON-LD stack node, so an EVE file can say
 * everything a JSON-LD one can.
 */
export function parseEve(document: unknown, ctx: FormatContext): StackSpec | undefined {
  const { diag, sources } = ctx;
  const reader = ObjectReader.open(document, '', diag);
  if (reader === undefined) return undefined;
  reader.accept(...BOOKKEEPING_KEYS, 'numberOfItems', 'itemListOrder');

  const spec = readStackHeader(reader, ctx);

  const elements = reader.take('itemListElement');
  sources.record('containers', reader.pathOf('itemListElement'));
  if (elements === undefined) diag.error(reader.pathOf('itemListElement'), '"itemListElement" (the list of containers) is required');
  else if (!Array.isArray(elements)) {
    diag.error(reader.pathOf('itemListElement'), `must be a list of containers, got ${describeValue(elements)}`);
  } else spec.containers = readElements(elements, reader.pathOf('itemListElement'), ctx);
  reader.finish();
  return spec;
}

interface Element {
  /** The container object: the element itself, or the `item` of a schema.org ListItem. */
  reader: ObjectReader;
  /** The ListItem around the container, when there is one. */
  wrapper?: ObjectReader;
  position: number;
}

function readElements(elements: readonly unknown[], path: string, ctx: FormatContext): ContainerSpec[] {
  const ordered: Element[] = [];
  elements.forEach((element: unknown, i) => {
    const outer = ObjectReader.open(element, jsonPath(path, i), ctx.diag, 'a container object');
    if (outer === undefined) return;
    let entry: Element = { reader: outer, position: Infinity };
    if (isPlainObject(outer.value.item)) {
      outer.accept(...BOOKKEEPING_KEYS);
      const inner = ObjectReader.open(outer.take('item'), outer.pathOf('item'), ctx.diag);
      if (inner !== undefined) entry = { reader: inner, wrapper: outer, position: Infinity };
    }
    // The position may sit on the ListItem (schema.org) or on the container itself. A bad one is reported
    // and the element goes last.
    const holder = entry.wrapper?.has('position') === true ? entry.wrapper : entry.reader;
    entry.position = holder.read('position', asFiniteNumber) ?? Infinity;
    entry.reader.accept('position');
    ordered.push(entry);
  });
  // Stable: equal or missing positions keep the order of the file.
  ordered.sort((a, b) => (a.position === b.position ? 0 : a.position < b.position ? -1 : 1));

  return ordered.map(({ reader, wrapper }, k) => {
    wrapper?.finish();
    const container = readContainerFields(reader, { ...ctx, specPath: jsonPath('containers', k) }, readRequirements(reader, ctx));
    reader.finish();
    return container;
  });
}

/** `requirements: [name]` → started; `softwareRequirements: [name | {name, waitForHealthy}]`. */
function readRequirements(reader: ObjectReader, ctx: FormatContext): DependencyEntry[] {
  const entries: DependencyEntry[] = [];
  for (const key of ['requirements', 'softwareRequirements']) {
    const value = reader.take(key);
    if (value !== undefined) entries.push(...readDependencyList(value, reader.pathOf(key), ctx.diag));
  }
  return entries;
}
