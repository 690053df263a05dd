import { AppError, type Issue } from '../errors.js';
import { DEPENDENCY_CONDITIONS } from '../models/stackSpec.js';
import { containerPath, type ValidationContext } from './context.js';
import { mustBeOneOf, quote } from './describe.js';

/** The part of a stack the dependency graph needs; StackSpec satisfies it. */
export interface DependencyGraphInput {
  containers: ReadonlyArray<{ name: string; dependsOn: ReadonlyArray<{ name: string; condition?: string }> }>;
}

/**
 * Dependencies must name other containers of the stack, and must not loop. Each cycle is reported once, as
 * the path a user can follow (`api -> db -> api`), at the dependsOn entry that closes it.
 */
export function checkDependencies(ctx: ValidationContext): void {
  for (const issue of dependencyProblems(ctx.spec)) ctx.error(issue.specPath, issue.message);
}

interface SpecIssue {
  specPath: string;
  message: string;
}

function dependencyProblems(input: DependencyGraphInput): SpecIssue[] {
  const problems: SpecIssue[] = [];
  const indexOf = firstIndexByName(input);

  // edges[k] = [target container, dependsOn index] in declaration order, without self or unknown targets.
  const edges: Array<Array<[number, number]>> = input.containers.map((container, k) => {
    const out: Array<[number, number]> = [];
    container.dependsOn.forEach((dependency, m) => {
      const path = containerPath(k, 'dependsOn', m);
      if (dependency.condition !== undefined && !(DEPENDENCY_CONDITIONS as readonly string[]).includes(dependency.condition)) {
        problems.push({ specPath: path, message: `dependency condition ${mustBeOneOf(DEPENDENCY_CONDITIONS, dependency.condition)}` });
      }
      if (dependency.name === container.name) {
        problems.push({ specPath: path, message: `container ${quote(container.name)} depends on itself` });
        return;
      }
      const target = indexOf.get(dependency.name);
      if (target === undefined) {
        const known = input.containers.map((c) => c.name).join(', ');
        problems.push({
          specPath: path,
          message: `depends on ${quote(dependency.name)}, which is not a container of this stack (containers: ${known})`,
        });
        return;
      }
      out.push([target, m]);
    });
    return out;
  });

  for (const component of cyclicComponents(edges)) {
    const cycle = shortestCycle(component, edges);
    if (cycle === undefined) continue;
    const names = cycle.nodes.map((k) => input.containers[k]?.name ?? String(k));
    problems.push({
      specPath: containerPath(cycle.closingNode, 'dependsOn', cycle.closingEntry),
      message: `dependency cycle: ${names.join(' -> ')}`,
    });
  }
  return problems;
}

function firstIndexByName(input: DependencyGraphInput): Map<string, number> {
  const indexOf = new Map<string, number>();
  input.containers.forEach((container, k) => {
    if (!indexOf.has(container.name)) indexOf.set(container.name, k);
  });
  return indexOf;
}

/** Strongly connected components with more than one member (Tarjan), ordered by their first member. */
function cyclicComponents(edges: ReadonlyArray<ReadonlyArray<[number, number]>>): number[][] {
  const index = new Array<number>(edges.length).fill(-1);
  const low = new Array<number>(edges.length).fill(0);
  const onStack = new Array<boolean>(edges.length).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;

  // Iterative so a long dependency chain cannot overflow the call stack.
  for (let root = 0; root < edges.length; root++) {
    if (index[root] !== -1) continue;
    const work: Array<[node: number, nextEdge: number]> = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const frame = work[work.length - 1] as [number, number];
      const [node, next] = frame;
      const out = edges[node] ?? [];
      if (next < out.length) {
        frame[1] = next + 1;
        const target = (out[next] as [number, number])[0];
        if (index[target] === -1) {
          index[target] = low[target] = counter++;
          stack.push(target);
          onStack[target] = true;
          work.push([target, 0]);
        } else if (onStack[target]) {
          low[node] = Math.min(low[node] ?? 0, index[target] ?? 0);
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low[parent[0]] = Math.min(low[parent[0]] ?? 0, low[node] ?? 0);
      if (low[node] === index[node]) {
        const component: number[] = [];
        let member: number | undefined;
        do {
          member = stack.pop();
          if (member === undefined) break;
          onStack[member] = false;
          component.push(member);
        } while (member !== node);
        if (component.length > 1) components.push(component.sort((a, b) => a - b));
      }
    }
  }
  return components.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

/** The shortest loop from the component's first-declared member back to itself (breadth-first). */
function shortestCycle(
  component: readonly number[],
  edges: ReadonlyArray<ReadonlyArray<[number, number]>>,
): { nodes: number[]; closingNode: number; closingEntry: number } | undefined {
  const start = component[0];
  if (start === undefined) return undefined;
  const members = new Set(component);
  const cameFrom = new Map<number, number>([[start, -1]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as number;
    for (const [target, entry] of edges[node] ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const nodes = [start];
        for (let at = node; at !== start; at = cameFrom.get(at) ?? start) nodes.splice(1, 0, at);
        nodes.push(start);
        return { nodes, closingNode: node, closingEntry: entry };
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, node);
        queue.push(target);
      }
    }
  }
  return undefined;
}

/**
 * Start order as topological layers: wave 0 holds containers without dependencies, wave n those whose
 * deepest dependency is in wave n-1. Within a wave, containers keep their declaration order, so the result
 * is the same for the same spec. Only meaningful for a valid graph: unknown dependencies, self-dependencies
 * and cycles throw VALIDATION_FAILED with the same issues validation reports (at spec paths).
 */
export function dependencyWaves(input: DependencyGraphInput): string[][] {
  const problems = dependencyProblems(input);
  if (problems.length > 0) {
    const errors: Issue[] = problems.map((p) => ({ path: p.specPath, message: p.message }));
    throw new AppError('VALIDATION_FAILED', `cannot order containers: ${errors[0]?.message ?? ''}`, {
      details: { errors },
    });
  }
  const indexOf = firstIndexByName(input);
  const depth = new Array<number>(input.containers.length).fill(-1);
  // Depth-first with an explicit stack; the graph is acyclic here, so every node settles once.
  for (let root = 0; root < input.containers.length; root++) {
    const todo = [root];
    while (todo.length > 0) {
      const node = todo[todo.length - 1] as number;
      if (depth[node] !== -1) {
        todo.pop();
        continue;
      }
      const targets = (input.containers[node]?.dependsOn ?? []).map((d) => indexOf.get(d.name) ?? -1);
      const pending = targets.filter((t) => t >= 0 && depth[t] === -1);
      if (pending.length > 0) {
        todo.push(...pending);
        continue;
      }
      depth[node] = targets.reduce((deepest, t) => Math.max(deepest, (depth[t] ?? -1) + 1), 0);
      todo.pop();
    }
  }
  const waves: string[][] = [];
  input.containers.forEach((container, k) => {
    const wave = depth[k] ?? 0;
    while (waves.length <= wave) waves.push([]);
    waves[wave]?.push(container.name);
  });
  return waves;
}
