/**
 * Stack, DeploymentState and PlacementExplanation documents in the `stacks` database. Every write is
 * conditional on `_rev`: a concurrent writer gets a CONFLICT, never a silent overwrite. Which stacks place
 * containers on a given host comes from the `placements/by-host` view (store/views.ts).
 *
 * The explanation is kept out of the DeploymentState, which the stack monitor rewrites as tasks report. A
 * state written by an earlier version still holds it: the first read of such a state stores its explanation
 * in its own document, then writes the state back without it.
 */
import {
  AppError,
  deploymentStateDocument,
  deploymentStateIdOf,
  placementExplanationDocument,
  placementExplanationIdOf,
  placementExplanationOf,
  stackDocument,
  type DeploymentStateDocument,
  type PlacementExplanationDocument,
  type StackDocument,
  type StackStatus,
} from '@graphium/shared';
import type { MangoSelector, SortOrder } from 'nano';
import type { Couch, Database } from '../store/couch.js';
import { getOrUndefined, isConflict } from '../store/errors.js';
import { PLACEMENTS_BY_HOST_VIEW, PLACEMENTS_DESIGN } from '../store/views.js';
import type { Page } from '../ports.js';

const isConflictError = (error: unknown): boolean => error instanceof AppError && error.code === 'CONFLICT';

/** Runs `write` again (up to `attempts` times in all) while it fails with a CONFLICT. */
async function againOnConflict(write: () => Promise<void>, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!isConflictError(error) || attempt >= attempts) throw error;
    }
  }
}

/** `deployment:{stackId}` (deploymentStateIdOf). */
const STATE_ID_PREFIX = deploymentStateIdOf('');

export class StackRepository {
  private readonly db: Database;

  constructor(couch: Couch) {
    this.db = couch.db.stacks;
  }

  async getStack(stackId: string): Promise<StackDocument | undefined> {
    const doc = await getOrUndefined(() => this.db.get(stackId));
    return doc === undefined ? undefined : stackDocument.parse(doc);
  }

  async getState(stackId: string): Promise<DeploymentStateDocument | undefined> {
    const doc = await getOrUndefined(() => this.db.get(deploymentStateIdOf(stackId)));
    if (doc === undefined) return undefined;
    const state = deploymentStateDocument.parse(doc);
    if (doc['explanation'] === undefined) return state;
    if (!(await this.keepLegacyExplanation(state, doc['explanation']))) return state;
    // Written back without it, so later reads do not look again; a concurrent writer wrote it so already.
    return this.save(state).catch((error: unknown) => {
      if (isConflictError(error)) return state;
      throw error;
    });
  }

  async getExplanation(stackId: string): Promise<PlacementExplanationDocument | undefined> {
    const doc = await getOrUndefined(() => this.db.get(placementExplanationIdOf(stackId)));
    return doc === undefined ? undefined : placementExplanationDocument.parse(doc);
  }

  /**
   * Writes the explanation over whatever the stack had (the caller holds the stack's generation: it just
   * saved the stack document naming it). The current `_rev` comes from `_all_docs`, not from reading the
   * document back.
   */
  saveExplanation(doc: PlacementExplanationDocument): Promise<void> {
    // A CONFLICT: another replica wrote it between the lookup and the write; look the revision up again.
    return againOnConflict(async () => {
      await this.save({ ...doc, _rev: await this.currentRev(doc['@id']) });
    });
  }

  /**
   * Adds to the explanation of the same generation (failover explains the containers it moved); an
   * explanation of another generation is replaced.
   */
  mergeExplanation(doc: PlacementExplanationDocument): Promise<void> {
    return againOnConflict(async () => {
      const current = await this.getExplanation(doc.stackId);
      const kept = current?.generation === doc.generation ? current.explanation : {};
      await this.save({ ...doc, explanation: { ...kept, ...doc.explanation }, _rev: current?._rev });
    });
  }

  async deleteExplanation(stackId: string): Promise<void> {
    const id = placementExplanationIdOf(stackId);
    await this.delete({ '@id': id, _rev: await this.currentRev(id) });
  }

  /** Writes the document (create when it has no `_rev`); returns it with its new `_rev`. */
  async save<T extends StackDocument | DeploymentStateDocument | PlacementExplanationDocument>(doc: T): Promise<T> {
    try {
      const response = await this.db.insert({ ...doc, _id: doc['@id'] } as Record<string, unknown>);
      return { ...doc, _id: doc['@id'], _rev: response.rev };
    } catch (error) {
      if (isConflict(error)) {
        throw new AppError('CONFLICT', `${doc['@id']} was changed by someone else at the same time; try again`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  /**
   * Writes the DeploymentState of the operation `stack` (just saved by the caller) names. The monitor rewrites
   * states as tasks report, so a CONFLICT here is usually its write of the operation before: the state is
   * written again on the current revision, as long as the stack document still names this generation and
   * operation. Once someone took the next one, the CONFLICT stands.
   */
  async saveStateFor(stack: StackDocument, state: DeploymentStateDocument, attempts = 5): Promise<DeploymentStateDocument> {
    let next = state;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.save(next);
      } catch (error) {
        if (!isConflictError(error) || attempt >= attempts) throw error;
      }
      const current = await this.getStack(stack['@id']);
      if (current?.generation !== stack.generation || current.operation !== stack.operation) {
        throw new AppError('CONFLICT', `stack ${stack['@id']} moved past generation ${stack.generation}, operation ${stack.operation} before its state was written`);
      }
      next = { ...state, _rev: (await this.getState(stack['@id']))?._rev };
    }
  }

  /**
   * A state stored with its explanation inside: the explanation gets its own document unless it has one.
   * False when it is unreadable (no schema version reads it): the state is then left as stored until its next
   * write, which drops what no reader could show.
   */
  private async keepLegacyExplanation(state: DeploymentStateDocument, explanation: unknown): Promise<boolean> {
    const id = placementExplanationIdOf(state.stackId);
    if ((await this.currentRev(id)) !== undefined) return true;
    const parsed = placementExplanationDocument.shape.explanation.safeParse(explanation);
    if (!parsed.success) return false;
    const { stackId, generation, dateModified } = state;
    try {
      await this.save(placementExplanationOf({ stackId, generation, explanation: parsed.data, dateModified }));
    } catch (error) {
      if (!isConflictError(error)) throw error; // another reader kept it first
    }
    return true;
  }

  /** The current revision of a document, from `_all_docs` (the body is not read); undefined when absent. */
  private async currentRev(id: string): Promise<string | undefined> {
    const result = await this.db.list({ key: id });
    const row = result.rows[0] as { id?: string; value?: { rev?: string; deleted?: boolean } } | undefined;
    return row?.id === id && row.value?.deleted !== true ? row.value?.rev : undefined;
  }

  async delete(doc: { '@id': string; _rev?: string | undefined }): Promise<void> {
    if (doc._rev === undefined) return;
    try {
      await this.db.destroy(doc['@id'], doc._rev);
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }

  /** Stacks by name, one page at a time; the cursor is the last name of the previous page. */
  async list(query: { status?: StackStatus | undefined; limit: number; cursor?: string | undefined }): Promise<Page<StackDocument>> {
    const name = query.cursor === undefined ? { $gt: null } : { $gt: query.cursor };
    const selector: Record<string, unknown> = { '@type': 'Stack', ...(query.status === undefined ? {} : { status: query.status }), name };
    const fields = query.status === undefined ? ['@type', 'name'] : ['@type', 'status', 'name'];
    const sort: SortOrder[] = fields.map((field) => ({ [field]: 'asc' as const }));
    const result = await this.db.find({ selector: selector as MangoSelector, sort, limit: query.limit + 1 });
    const docs = result.docs.map((d) => stackDocument.parse(d));
    const items = docs.slice(0, query.limit);
    const last = items[items.length - 1];
    return { items, next: docs.length > query.limit && last !== undefined ? last.name : undefined };
  }

  /** Every stack id whose deployment state places a container (not removed) on one of the hosts. */
  async stacksOnHosts(hostIds: readonly string[]): Promise<string[]> {
    if (hostIds.length === 0) return [];
    const result = await this.db.view(PLACEMENTS_DESIGN, PLACEMENTS_BY_HOST_VIEW, { keys: [...hostIds] });
    const stacks = new Set<string>();
    for (const row of result.rows) {
      // Rows of a `keys` query for a key with no match carry an error instead of an id.
      if (typeof row.id === 'string' && row.id.startsWith(STATE_ID_PREFIX)) stacks.add(row.id.slice(STATE_ID_PREFIX.length));
    }
    return [...stacks].sort();
  }

  /** Every stack in one status, by name. */
  async allIn(status: StackStatus): Promise<StackDocument[]> {
    const found: StackDocument[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ status, limit: 200, cursor });
      found.push(...page.items);
      cursor = page.next;
    } while (cursor !== undefined);
    return found;
  }

  /** Stacks whose status says work is under way (checked again at start-up in case a change was missed). */
  async unsettled(): Promise<StackDocument[]> {
    const found: StackDocument[] = [];
    for (const status of ['deploying', 'stopping', 'deleting'] as const) found.push(...(await this.allIn(status)));
    return found;
  }
}
