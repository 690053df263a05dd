import type { ContainerSpec } from '../models/stackSpec.js';

/**
 * Placement order: dependencies before their dependents (wave by wave, declaration order within a wave),
 * so the affinity ranker sees where a container's dependencies went. Validation rejects missing and cyclic
 * dependencies before planning; here they are tolerated (a missing one is ignored, containers left in a cycle
 * follow in declaration order) so the planner never loops or throws on input it was handed anyway.
 */
export function placementOrder(containers: readonly ContainerSpec[]): number[] {
  const indexOf = new Map<string, number>();
  containers.forEach((c, i) => {
    if (!indexOf.has(c.name)) indexOf.set(c.name, i);
  });
  const waiting = new Int32Array(containers.length);
  const dependents: number[][] = containers.map(() => []);
  containers.forEach((c, i) => {
    const seen = new Set<number>();
    for (const dep of c.dependsOn) {
      const d = indexOf.get(dep.name);
      if (d === undefined || d === i || seen.has(d)) continue;
      seen.add(d);
      waiting[i]! += 1;
      dependents[d]!.push(i);
    }
  });
  const order: number[] = [];
  const done = new Uint8Array(containers.length);
  let wave: number[] = [];
  for (let i = 0; i < containers.length; i++) if (waiting[i] === 0) wave.push(i);
  while (wave.length > 0) {
    const next: number[] = [];
    for (const i of wave) {
      order.push(i);
      done[i] = 1;
      for (const j of dependents[i]!) if (--waiting[j]! === 0) next.push(j);
    }
    wave = next.sort((a, b) => a - b);
  }
  for (let i = 0; i < containers.length; i++) if (done[i] === 0) order.push(i);
  return order;
}
