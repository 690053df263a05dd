import type { HostSnapshot } from '../models/host.js';
import type { ScoreTerm } from '../models/placement.js';
import type { ContainerNeed } from './need.js';

/**
 * The plan's view of its hosts. Placement visits every (container, host) pair, so what changes during a
 * plan lives in typed-array columns indexed by host (FleetColumns): the scan (scan.ts) reads them
 * sequentially instead of chasing one object per host. HostState is the readable view of one host over
 * those columns plus its fixed facts; checkers and rankers are written against it, and `reserve` keeps both
 * in step. A host without a heartbeat load counts as idle with all its memory available.
 */
export class FleetColumns {
  readonly plannedCpus: Float64Array;
  readonly plannedMemory: Float64Array;
  readonly plannedContainers: Int32Array;
  /** cpus − plannedCpus. */
  readonly freeCpus: Float64Array;
  /** memoryAvailable − plannedMemory. */
  readonly freeMemory: Float64Array;
  /** memoryTotal − memoryAvailable + plannedMemory. */
  readonly usedMemory: Float64Array;
  /** Memory in use above which the memory-pressure penalty applies (a fraction of memoryTotal). */
  readonly memoryPressureLimit: Float64Array;
  /** Sum of the strategy's host-only ranker terms, hundredths of a point; kept current by the plan. */
  readonly score: Float64Array;
  /** Tie-break rank under the plan's seed; lower wins. */
  readonly tie: Float64Array;
  /** Port key → indices of the hosts where it is taken (inventory or this plan). */
  readonly portUsers = new Map<number, Set<number>>();

  constructor(readonly size: number) {
    this.plannedCpus = new Float64Array(size);
    this.plannedMemory = new Float64Array(size);
    this.plannedContainers = new Int32Array(size);
    this.freeCpus = new Float64Array(size);
    this.freeMemory = new Float64Array(size);
    this.usedMemory = new Float64Array(size);
    this.memoryPressureLimit = new Float64Array(size);
    this.score = new Float64Array(size);
    this.tie = new Float64Array(size);
  }
}

/** Memory in use after placement above this fraction of the host's memory is "pressure". */
export const MEMORY_PRESSURE_THRESHOLD = 0.9;

export class HostState {
  readonly id: string;
  readonly cpus: number;
  readonly memoryTotal: number;
  /** Live load from the last heartbeat. */
  readonly cpuPercent: number;
  readonly memoryAvailable: number;
  readonly runningContainers: number;
  /** Host ports taken (portKey values), from the agent's inventory and from this plan; undefined = none. */
  private ports: Set<number> | undefined;
  /**
   * The host-only terms as stored objects, built on first use by the explanation and shared by every
   * container that sees the host unchanged (a 100k-container explanation must not hold 100k copies).
   */
  cachedTerms: ScoreTerm[] | undefined;

  constructor(
    readonly host: HostSnapshot,
    /** Position in the plan's host list (hosts sorted by id) and in the columns. */
    readonly index: number = 0,
    tie: number = 0,
    readonly columns: FleetColumns = new FleetColumns(index + 1),
  ) {
    this.id = host.id;
    this.cpus = host.resources.cpus;
    this.memoryTotal = host.resources.memory;
    this.cpuPercent = host.load?.cpuPercent ?? 0;
    this.memoryAvailable = Math.min(host.load?.memoryAvailable ?? host.resources.memory, host.resources.memory);
    this.runningContainers = host.load?.containerCount ?? 0;
    const used = host.usedHostPorts ?? [];
    if (used.length > 0) {
      // The inventory does not say tcp or udp: a listed port blocks both.
      for (const port of used) {
        this.takePort(port);
        this.takePort(port + 65536);
      }
    }
    columns.tie[index] = tie;
    columns.memoryPressureLimit[index] = MEMORY_PRESSURE_THRESHOLD * this.memoryTotal;
    this.sync();
  }

  get tie(): number {
    return this.columns.tie[this.index]!;
  }
  get plannedCpus(): number {
    return this.columns.plannedCpus[this.index]!;
  }
  get plannedMemory(): number {
    return this.columns.plannedMemory[this.index]!;
  }
  get plannedContainers(): number {
    return this.columns.plannedContainers[this.index]!;
  }
  get freeCpus(): number {
    return this.columns.freeCpus[this.index]!;
  }
  get freeMemory(): number {
    return this.columns.freeMemory[this.index]!;
  }
  get usedMemory(): number {
    return this.columns.usedMemory[this.index]!;
  }
  get containerCount(): number {
    return this.runningContainers + this.plannedContainers;
  }
  get cachedScore(): number {
    return this.columns.score[this.index]!;
  }
  set cachedScore(centi: number) {
    this.columns.score[this.index] = centi;
  }

  hasPort(key: number): boolean {
    return this.ports !== undefined && this.ports.has(key);
  }

  /** Record that this plan placed the container here. */
  reserve(need: ContainerNeed): void {
    const { columns: c, index: i } = this;
    c.plannedCpus[i]! += need.reserveCpus;
    c.plannedMemory[i]! += need.reserveMemory;
    c.plannedContainers[i]! += 1;
    this.sync();
    this.cachedTerms = undefined;
    for (const p of need.ports) this.takePort(p.key);
  }

  private takePort(key: number): void {
    this.ports ??= new Set();
    this.ports.add(key);
    const users = this.columns.portUsers.get(key);
    if (users === undefined) this.columns.portUsers.set(key, new Set([this.index]));
    else users.add(this.index);
  }

  /** Derived columns from the planned ones. */
  private sync(): void {
    const { columns: c, index: i } = this;
    c.freeCpus[i] = this.cpus - c.plannedCpus[i]!;
    c.freeMemory[i] = this.memoryAvailable - c.plannedMemory[i]!;
    c.usedMemory[i] = this.memoryTotal - this.memoryAvailable + c.plannedMemory[i]!;
  }
}
