/**
 * Which stacks failover looks at, once per liveness sweep (hosts/livenessMonitor.ts runs it right after
 * marking hosts offline). Level-triggered, so nothing depends on having seen a host go offline: any replica,
 * including one started later, finds the same work.
 *
 * - every stack with a container on an offline host (the `placements/by-host` view): to move, or to try again
 *   what could not move, or to record what stays;
 * - the degraded stacks, when a host came online since the last sweep, and every `recheckEvery` sweeps (a
 *   stack stopped and started again while stranded is caught that way): what stayed stranded may run again,
 *   and what had no room may fit now;
 * - deploying stacks, on the first sweep and every `repairEvery` sweeps after, and stacks whose failover
 *   failed: a failover operation whose tasks were cut short (a crash, a store error) is completed.
 *
 * Stacks are reconciled a few at a time; an error on one is logged and the stack is tried again next sweep.
 */
import type { Logger } from 'pino';
import type { HostRegistry } from '../ports.js';
import type { FailoverOutcome, ReconcileOptions, StackFailover } from './failover.js';
import type { StackRepository } from './stackRepository.js';

export interface FailoverSweepDeps {
  failover: Pick<StackFailover, 'reconcile'>;
  repository: Pick<StackRepository, 'stacksOnHosts' | 'allIn'>;
  hosts: Pick<HostRegistry, 'list'>;
  log: Logger;
  /** Look at every degraded stack every this many sweeps. Default 12 (a minute at 5 s). */
  recheckEvery?: number;
  /** Check deploying stacks for cut-short failover operations every this many sweeps. Default 60 (5 minutes at 5 s). */
  repairEvery?: number;
  /** Stacks reconciled at once. Default 4. */
  concurrency?: number;
}

export class FailoverSweep {
  private sweeps = 0;
  private onlineBefore: ReadonlySet<string> | undefined;
  /** Stacks whose last reconcile failed: looked at again, with repair, on the next sweep. */
  private readonly retry = new Set<string>();

  constructor(private readonly deps: FailoverSweepDeps) {}

  /** One sweep; per-stack errors are logged, an error finding the stacks is thrown. */
  async sweep(): Promise<Map<string, FailoverOutcome>> {
    const { repository, hosts } = this.deps;
    const fleet = await hosts.list();
    const offline = fleet.filter((h) => h.status === 'offline').map((h) => h.hostId);
    const online = new Set(fleet.filter((h) => h.status === 'online').map((h) => h.hostId));
    const cameOnline = this.onlineBefore === undefined || [...online].some((id) => !this.onlineBefore!.has(id));
    const recheckNow = cameOnline || this.sweeps % (this.deps.recheckEvery ?? 12) === 0;
    const repairNow = this.sweeps % (this.deps.repairEvery ?? 60) === 0;
    this.sweeps += 1;

    const work = new Map<string, ReconcileOptions>();
    const add = (stackId: string, repair: boolean) => work.set(stackId, { repair: repair || work.get(stackId)?.repair === true });
    for (const stackId of await repository.stacksOnHosts(offline)) add(stackId, false);
    if (recheckNow) for (const stack of await repository.allIn('degraded')) add(stack['@id'], false);
    if (repairNow) for (const stack of await repository.allIn('deploying')) add(stack['@id'], true);
    for (const stackId of this.retry) add(stackId, true);
    // Only once the stacks were found: a failed listing leaves "came online" to be noticed next sweep.
    this.onlineBefore = online;
    return this.reconcileAll(work);
  }

  private async reconcileAll(work: ReadonlyMap<string, ReconcileOptions>): Promise<Map<string, FailoverOutcome>> {
    const outcomes = new Map<string, FailoverOutcome>();
    const queue = [...work.entries()];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const [stackId, options] = next;
        try {
          outcomes.set(stackId, await this.deps.failover.reconcile(stackId, options));
          this.retry.delete(stackId);
        } catch (error) {
          this.retry.add(stackId);
          this.deps.log.warn({ event: 'stack.failover_failed', stackId, err: error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.deps.concurrency ?? 4) }, worker));
    return outcomes;
  }
}
