import type { ContainerSpec, StackSpec } from '../models/stackSpec.js';
import { describeValue } from '../validation/describe.js';
import { jsonPath } from '../validation/jsonPath.js';
import { BOOKKEEPING_KEYS, readContainerFields } from './containerFields.js';
import { hasType, typesOf } from './detect.js';
import type { FormatContext } from './formatContext.js';
import { ObjectReader, hasOwn, isPlainObject } from './objectReader.js';
import { readStackHeader } from './stackHeader.js';

/**
 * Graphium JSON-LD (DESIGN §3.1): `{"@context", "@graph": [stackNode, …]}`, or the stack node alone.
 *
 * The stack node is the one whose `@type` contains Stack (any prefix: `datacenter:Stack`), else the
 * SoftwareApplication node that has parts. Containers are its `hasPart` entries, written inline or as
 * references (`"container:web"` / `{"@id": "container:web"}`) to other nodes of the graph.
 *
 * Paths inside the stack node are relative to it (`hasPart[2].ports[0].hostPort`, as users read them);
 * other graph nodes are addressed as `@graph[i]`.
 */
export function parseJsonLd(document: unknown, ctx: FormatContext): StackSpec | undefined {
  const { diag } = ctx;
  const root = ObjectReader.open(document, '', diag);
  if (root === undefined) return undefined;

  let stackNode: ObjectReader | undefined = root;
  let graph: Array<{ node: unknown; path: string }> = [];
  if (root.has('@graph')) {
    root.accept('@context', '@id', 'comment', 'description');
    const nodes = root.take('@graph');
    if (!Array.isArray(nodes)) {
      diag.error('@graph', `must be a list of nodes, got ${describeValue(nodes)}`);
      return undefined;
    }
    graph = nodes.map((node: unknown, i) => ({ node, path: `@graph[${i}]` }));
    root.finish();
    stackNode = findStackNode(graph, ctx);
    if (stackNode === undefined) return undefined;
  }

  const stack = readStackNode(stackNode, graph, ctx);
  warnUnusedNodes(graph, stack, ctx);
  return stack.spec;
}

/** The graph node that is the stack, as a reader whose paths are relative to it. */
function findStackNode(graph: ReadonlyArray<{ node: unknown; path: string }>, ctx: FormatContext): ObjectReader | undefined {
  const objects = graph.filter((entry): entry is { node: Record<string, unknown>; path: string } => isPlainObject(entry.node));
  const stacks = objects.filter((entry) => hasType(entry.node, 'Stack'));
  // Without a Stack node, the SoftwareApplication that has parts (containers are SoftwareApplications too),
  // or the only SoftwareApplication there is, so a missing hasPart is reported on it.
  const applications = objects.filter((entry) => hasType(entry.node, 'SoftwareApplication'));
  const withParts = applications.filter((entry) => hasOwn(entry.node, 'hasPart'));
  const candidates = stacks.length > 0 ? stacks : withParts.length > 0 ? withParts : applications.length === 1 ? applications : [];
  const [first, second] = candidates;
  if (first === undefined) {
    ctx.diag.error('@graph', 'no stack node: expected a node whose "@type" contains "Stack" (or a SoftwareApplication node with "hasPart")');
    return undefined;
  }
  if (second !== undefined) {
    ctx.diag.error(second.path, `a definition holds one stack, but ${first.path} is a stack node too`);
    return undefined;
  }
  graph.forEach((entry) => {
    if (!isPlainObject(entry.node)) ctx.diag.error(entry.path, `must be a JSON-LD node object, got ${describeValue(entry.node)}`);
  });
  return ObjectReader.open(first.node, '', ctx.diag);
}

interface StackRead {
  spec: StackSpec;
  stackNode: unknown;
  /** Graph nodes the stack uses: its containers and hosts they are pinned to. */
  usedIds: Set<string>;
}

function readStackNode(reader: ObjectReader, graph: ReadonlyArray<{ node: unknown; path: string }>, ctx: FormatContext): StackRead {
  const { diag, sources } = ctx;
  reader.accept(...BOOKKEEPING_KEYS);
  const spec = readStackHeader(reader, ctx);

  const usedIds = new Set<string>();
  if (spec.defaultHost !== undefined) usedIds.add(spec.defaultHost);
  const parts = reader.take('hasPart');
  sources.record('containers', reader.pathOf('hasPart'));
  if (parts === undefined) diag.error(reader.pathOf('hasPart'), '"hasPart" (the list of containers) is required');
  else if (!Array.isArray(parts)) diag.error(reader.pathOf('hasPart'), `must be a list of containers, got ${describeValue(parts)}`);
  else spec.containers = readContainers(parts, reader.pathOf('hasPart'), graph, usedIds, ctx);
  reader.finish();

  for (const constraint of spec.deployment.hostConstraints) if (constraint.targetHost !== undefined) usedIds.add(constraint.targetHost);
  return { spec, stackNode: reader.value, usedIds };
}

function readContainers(
  parts: readonly unknown[],
  path: string,
  graph: ReadonlyArray<{ node: unknown; path: string }>,
  usedIds: Set<string>,
  ctx: FormatContext,
): ContainerSpec[] {
  const nodesById = new Map<string, { node: unknown; path: string }>();
  for (const entry of graph) {
    if (isPlainObject(entry.node) && typeof entry.node['@id'] === 'string') nodesById.set(entry.node['@id'], entry);
  }

  // First resolve references, so dependsOn can name a container by its @id wherever it is declared.
  const resolved: Array<{ node: unknown; path: string }> = [];
  parts.forEach((part: unknown, i) => {
    const at = jsonPath(path, i);
    const ref = referenceOf(part);
    if (ref === undefined) {
      resolved.push({ node: part, path: at });
      return;
    }
    const target = nodesById.get(ref);
    if (target === undefined) {
      ctx.diag.error(at, `refers to ${JSON.stringify(ref)}, which is not a node of @graph`);
      return;
    }
    usedIds.add(ref);
    resolved.push(target);
  });
  const nameById = new Map<string, string>();
  for (const { node } of resolved) {
    if (isPlainObject(node) && typeof node['@id'] === 'string' && typeof node.name === 'string') nameById.set(node['@id'], node.name);
  }
  const resolveId = (id: string): string | undefined => nameById.get(id);

  const containers: ContainerSpec[] = [];
  for (const { node, path: at } of resolved) {
    const reader = ObjectReader.open(node, at, ctx.diag, 'a container object');
    if (reader === undefined) continue;
    const container = readContainerFields(reader, { ...ctx, specPath: jsonPath('containers', containers.length), resolveId });
    reader.finish();
    if (container.host !== undefined) usedIds.add(container.host);
    if (container.id !== undefined) usedIds.add(container.id);
    containers.push(container);
  }
  return containers;
}

/** A hasPart entry that only points elsewhere: `"container:web"` or `{"@id": "container:web"}`. */
function referenceOf(part: unknown): string | undefined {
  if (typeof part === 'string') return part;
  if (!isPlainObject(part) || typeof part['@id'] !== 'string') return undefined;
  return Object.keys(part).every((key) => key === '@id' || key === '@type') ? part['@id'] : undefined;
}

/** Graph nodes that are neither the stack, nor its containers, nor hosts it names would vanish: say so. */
function warnUnusedNodes(graph: ReadonlyArray<{ node: unknown; path: string }>, stack: StackRead, ctx: FormatContext): void {
  for (const { node, path } of graph) {
    if (!isPlainObject(node) || node === stack.stackNode) continue;
    const id = node['@id'];
    if (typeof id === 'string' && stack.usedIds.has(id)) continue;
    const label = typeof id === 'string' ? ` ${JSON.stringify(id)}` : '';
    const types = typesOf(node);
    const typed = types.length > 0 ? ` (${types.join(', ')})` : '';
    ctx.diag.warn(path, `graph node${label}${typed} is not part of the stack and is ignored`);
  }
}
