import type { StackSpec } from '../models/stackSpec.js';
import { offlineChecker } from './checkers.js';
import type { HostState } from './hostState.js';
import { EMPTY_NEED, type ContainerNeed } from './need.js';
import { staticKey, staticVerdictOf, type FleetIndex } from './staticVerdict.js';
import { round } from './units.js';

/**
 * Which datacenter the datacenter strategy puts a whole stack in: `deployment.targetDatacenter` when set,
 * else the best one by, in order:
 *  1. most containers of the stack it could hold at all (a host there passes the container's static checks
 *     and has the CPUs, memory and host ports free before this plan), so pins and requiredDatacenter pull
 *     the stack to where they can be met;
 *  2. most online hosts (room to spread);
 *  3. most idle CPUs (sum of cpus × idle fraction over online hosts);
 *  4. smallest name, so the rule is total and deterministic.
 */
export interface DatacenterChoice {
  name: string;
  decidedBy: string;
}

interface DatacenterStats {
  name: string;
  placeable: number;
  onlineHosts: number;
  idleCpus: number;
}

/** Could the host take the container on an empty plan? (capacity only; static checks were done before). */
function couldHold(host: HostState, need: ContainerNeed): boolean {
  return (
    host.cpus >= need.cpus &&
    host.memoryAvailable >= need.memory &&
    need.ports.every((p) => !host.hasPort(p.key))
  );
}

export function chooseDatacenter(
  stack: StackSpec,
  fleet: FleetIndex,
  needs: readonly ContainerNeed[],
): DatacenterChoice | undefined {
  const target = stack.deployment.targetDatacenter;
  if (target !== undefined) return { name: target, decidedBy: 'targetDatacenter' };

  const stats = new Map<string, DatacenterStats>();
  for (const host of fleet.hosts) {
    const name = host.host.datacenter;
    if (name === undefined || !offlineChecker.passes(host, EMPTY_NEED)) continue;
    const s = stats.get(name) ?? { name, placeable: 0, onlineHosts: 0, idleCpus: 0 };
    s.onlineHosts += 1;
    s.idleCpus += host.cpus * (1 - host.cpuPercent / 100);
    stats.set(name, s);
  }
  if (stats.size === 0) return undefined;

  // Containers with the same static constraints and capacity needs share one verdict.
  const groups = new Map<string, { need: ContainerNeed; count: number }>();
  for (const need of needs) {
    const key = `${staticKey(need)}|${need.cpus}|${need.memory}|${need.ports.map((p) => p.key).join(',')}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { need, count: 1 });
    else g.count += 1;
  }
  for (const { need, count } of groups.values()) {
    const where = new Set<string>();
    for (const index of staticVerdictOf(fleet, need, 0).candidates) {
      const host = fleet.hosts[index]!;
      const name = host.host.datacenter;
      if (name !== undefined && !where.has(name) && couldHold(host, need)) where.add(name);
    }
    for (const name of where) stats.get(name)!.placeable += count;
  }

  const best = [...stats.values()].sort(
    (a, b) =>
      b.placeable - a.placeable ||
      b.onlineHosts - a.onlineHosts ||
      b.idleCpus - a.idleCpus ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  )[0]!;
  return {
    name: best.name,
    decidedBy:
      `best datacenter: could hold ${best.placeable} of ${needs.length} containers, ` +
      `${best.onlineHosts} online hosts, ${round(best.idleCpus, 1)} idle CPUs`,
  };
}
