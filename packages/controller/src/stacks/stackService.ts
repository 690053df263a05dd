/**
 * The stack lifecycle as the API sees it: a definition in any format is parsed (and so validated), placed against
 * the live fleet and turned into tasks; stop, start and delete become tasks too. Nothing here waits for an
 * agent: the StackMonitor moves the stack's status along as its tasks report.
 *
 * Write order keeps a failure visible, never half-hidden: the stack document first (a conditional write, so
 * two deploys of one stack at once get a CONFLICT), then its deployment state, then the tasks. If writing
 * the tasks fails, the stack is marked `error` with the reason.
 */
import {
  AppError,
  GRAPHIUM_CONTEXT,
  hostSnapshotOf,
  jsonPath,
  parseStack,
  plan as planPlacement,
  STACK_SUBMISSION_TYPE,
  stackIdOf,
  stackSubmission,
  type ParseOptions,
  type AgentTaskDocument,
  type CleanupRecord,
  type DeployStackResponse,
  type DeploymentStateDocument,
  type PlanResult,
  type StackAction,
  type StackDocument,
  type StackSpec,
  type StackStatus,
} from '@graphium/shared';
import type { Logger } from 'pino';
import type {
  Clock,
  EventLog,
  HostRegistry,
  Page,
  PlanPreview,
  StackService,
  StackView,
  SubmittedDefinition,
  TaskQueue,
} from '../ports.js';
import { cleanupTaskOf, deploymentDocuments, liveCleanups, targetTask, type TaskContext } from './deploymentPlan.js';
import type { StackMonitor } from './stackMonitor.js';
import type { StackRepository } from './stackRepository.js';

type ParsedDefinition = Extract<ReturnType<typeof parseStack>, { ok: true }>;
type SuccessfulPlan = Extract<PlanResult, { ok: true }>;

export interface StackServiceDeps {
  repository: StackRepository;
  queue: TaskQueue;
  hosts: HostRegistry;
  events: EventLog;
  monitor: StackMonitor;
  clock: Clock;
  log: Logger;
}

/** Which stack statuses each operation may start from. */
const ALLOWED_FROM: Record<Exclude<StackAction, 'deploy'>, readonly StackStatus[]> = {
  stop: ['pending', 'deploying', 'running', 'degraded', 'error'],
  start: ['stopped', 'stopping', 'error', 'degraded'],
  remove: ['pending', 'deploying', 'running', 'degraded', 'stopping', 'stopped', 'deleting', 'error'],
};

/**
 * What to parse, and how: the body as sent, or a StackSubmission (STACK_SUBMISSION_TYPE) unwrapped into its
 * definition and the submitter's compose variables. A malformed envelope is refused with its field paths.
 */
function parseInputOf(definition: SubmittedDefinition): { body: unknown; options: ParseOptions } {
  const mediaType = definition.contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== STACK_SUBMISSION_TYPE) {
    return { body: definition.body, options: { contentType: definition.contentType, filename: definition.filename } };
  }
  let value: unknown = definition.body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new AppError('BAD_REQUEST', `a ${STACK_SUBMISSION_TYPE} body must be JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const envelope = stackSubmission.safeParse(value);
  if (!envelope.success) {
    const errors = envelope.error.issues.map((issue) => ({
      path: jsonPath('', ...issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)))),
      message: issue.message,
    }));
    const [first] = errors;
    throw new AppError('VALIDATION_FAILED', `invalid stack submission${first === undefined ? '' : `: ${first.path || '(body)'}: ${first.message}`}`, {
      details: { errors, warnings: [] },
    });
  }
  const { definition: text, contentType, filename, variables } = envelope.data;
  return { body: text, options: { contentType, filename: filename ?? definition.filename, variables } };
}

export class CouchStackService implements StackService {
  constructor(private readonly deps: StackServiceDeps) {}

  private parse(definition: SubmittedDefinition): ParsedDefinition {
    const { body, options } = parseInputOf(definition);
    const parsed = parseStack(body, options);
    if (!parsed.ok) {
      const first = parsed.errors[0];
      const summary = first === undefined ? 'invalid stack definition' : `${first.path === '' ? '' : `${first.path}: `}${first.message}`;
      const more = parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more)` : '';
      throw new AppError(parsed.code, `${summary}${more}`, { details: { errors: parsed.errors, warnings: parsed.warnings } });
    }
    return parsed;
  }

  private async place(spec: StackSpec, stackId: string): Promise<SuccessfulPlan> {
    const hosts = (await this.deps.hosts.list()).map(hostSnapshotOf);
    const result = planPlacement({ hosts }, spec, { stackId });
    if (!result.ok) {
      const message =
        hosts.length === 0
          ? 'no hosts are registered: start an agent on a Docker host first'
          : result.errors.map((e) => e.message).join('; ');
      throw new AppError('PLACEMENT_UNSATISFIABLE', message, {
        details: { errors: result.errors, explanation: result.explanation },
      });
    }
    return result;
  }

  async plan(definition: SubmittedDefinition): Promise<PlanPreview> {
    const parsed = this.parse(definition);
    const stackId = stackIdOf(parsed.spec.name);
    const result = await this.place(parsed.spec, stackId);
    return {
      stackId,
      name: parsed.spec.name,
      format: parsed.format,
      strategy: result.strategy,
      placements: result.placements,
      explanation: result.explanation,
      warnings: parsed.warnings,
    };
  }

  async deploy(definition: SubmittedDefinition, owner: string): Promise<DeployStackResponse> {
    const { repository, queue, events, clock, log } = this.deps;
    const parsed = this.parse(definition);
    const { spec } = parsed;
    const stackId = stackIdOf(spec.name);
    const existing = await repository.getStack(stackId);
    if (existing?.status === 'deleting') {
      throw new AppError('CONFLICT', `stack "${spec.name}" is being deleted; deploy it again once it is gone`);
    }
    const result = await this.place(spec, stackId);
    const previous = await repository.getState(stackId);
    const cleanups = await this.liveCleanups(previous);
    const now = new Date(clock.now()).toISOString();
    const generation = (existing?.generation ?? 0) + 1;
    const ctx: TaskContext = { stackId, stackName: spec.name, generation, operation: 0, now };
    const { tasks, state, explanation } = deploymentDocuments(spec, result, ctx, previous?.placements, cleanups);
    // Inserting a cleanup that exists is a no-op; one a cut-short failover never wrote is written now.
    const cleanupTasks = cleanups.map((record) => cleanupTaskOf(ctx, record));

    const stack: StackDocument = {
      '@context': GRAPHIUM_CONTEXT,
      '@type': 'Stack',
      '@id': stackId,
      ...(existing?._rev === undefined ? {} : { _rev: existing._rev }),
      name: spec.name,
      ...(spec.description === undefined ? {} : { description: spec.description }),
      definition: spec,
      sourceFormat: parsed.format,
      status: 'deploying',
      generation,
      operation: 0,
      action: 'deploy',
      owner,
      warnings: parsed.warnings,
      dateCreated: existing?.dateCreated ?? now,
      dateModified: now,
    };
    const saved = await repository.save(stack);
    if (existing !== undefined) await queue.cancelForStack(stackId);
    // The explanation before the state: the new generation's state finds its explanation already there.
    await repository.saveExplanation(explanation);
    await repository.saveStateFor(saved, { ...state, ...(previous?._rev === undefined ? {} : { _rev: previous._rev }) });
    await this.writeTasks(saved, [...tasks, ...cleanupTasks]);
    await events.publish({
      type: 'stack_deploying',
      stackId,
      message: `deploying ${spec.containers.length} container(s), generation ${generation}`,
      data: { generation, strategy: result.strategy, placements: result.placements },
      dedupeKey: `${stackId}:${generation}:0:deploying`,
    });
    log.info({ event: 'stack.deploying', stackId, generation, tasks: tasks.length });
    return {
      stackId,
      name: spec.name,
      generation,
      status: 'deploying',
      format: parsed.format,
      location: `/api/v1/stacks/${encodeURIComponent(stackId)}`,
      taskIds: tasks.map((t) => t['@id']),
      warnings: parsed.warnings,
    };
  }

  /**
   * Removals failover queued for left-behind copies that have not run yet (their host is still down): the new
   * generation keeps them in its state, and its deploys onto such a host wait for them.
   */
  private async liveCleanups(previous: DeploymentStateDocument | undefined): Promise<CleanupRecord[]> {
    const records = previous?.failover?.cleanups ?? [];
    if (records.length === 0) return [];
    const found = await Promise.all(records.map((r) => this.deps.queue.get(r.taskId)));
    return liveCleanups(records, new Map(found.flatMap((t) => (t === undefined ? [] : [[t['@id'], t.status] as const]))));
  }

  private async writeTasks(stack: StackDocument, tasks: readonly AgentTaskDocument[]): Promise<void> {
    try {
      await this.deps.queue.insertMany(tasks);
    } catch (error) {
      this.deps.log.error({ event: 'stack.tasks_not_written', stackId: stack['@id'], err: error });
      await this.deps.repository
        .save({ ...stack, status: 'error', errorMessage: 'the tasks of this deployment could not be written; deploy again' })
        .catch(() => undefined);
      throw error;
    }
  }

  async list(query: { status?: StackStatus | undefined; limit: number; cursor?: string | undefined }): Promise<Page<StackDocument>> {
    return this.deps.repository.list(query);
  }

  async get(stackId: string): Promise<StackView | undefined> {
    const { repository } = this.deps;
    const stack = await repository.getStack(stackId);
    if (stack === undefined) return undefined;
    const state = await repository.getState(stackId);
    if (state === undefined) return { stack };
    const explained = await repository.getExplanation(stackId);
    // An explanation of another generation (a deploy cut short between the two writes) explains nothing here.
    const explanation = explained?.generation === state.generation ? explained.explanation : {};
    return { stack, deployment: { ...state, explanation } };
  }

  stop(stackId: string): Promise<StackView> {
    return this.operate(stackId, 'stop');
  }

  start(stackId: string): Promise<StackView> {
    return this.operate(stackId, 'start');
  }

  remove(stackId: string): Promise<StackView> {
    return this.operate(stackId, 'remove');
  }

  /** stop / start / remove: one task per placed container, for the next operation of the generation. */
  private async operate(stackId: string, action: Exclude<StackAction, 'deploy'>): Promise<StackView> {
    const { repository, queue, events, clock, monitor } = this.deps;
    const stack = await repository.getStack(stackId);
    if (stack === undefined) throw new AppError('NOT_FOUND', `no stack ${stackId}`);
    if (!ALLOWED_FROM[action].includes(stack.status)) {
      throw new AppError('CONFLICT', `cannot ${action} stack "${stack.name}" while it is ${stack.status}`);
    }
    const state = await repository.getState(stackId);
    const now = new Date(clock.now()).toISOString();
    const operation = stack.operation + 1;
    const ctx: TaskContext = { stackId, stackName: stack.name, generation: stack.generation, operation, now };
    const placements = Object.entries(state?.placements ?? {}).filter(([, p]) => p.status !== 'removed');
    const tasks = placements.map(([name, p]) => targetTask(ctx, action, name, p.hostId));
    const status: StackStatus = action === 'stop' ? 'stopping' : action === 'start' ? 'deploying' : 'deleting';
    const updated = await repository.save({
      ...stack,
      status,
      operation,
      action,
      errorMessage: undefined,
      dateModified: now,
    });
    await queue.cancelForStack(stackId);
    await this.writeTasks(updated, tasks);
    await events.publish({
      type: action === 'stop' ? 'stack_stopping' : action === 'start' ? 'stack_deploying' : 'stack_deleting',
      stackId,
      message: `${action} requested for ${tasks.length} container(s)`,
      dedupeKey: `${stackId}:${stack.generation}:${operation}:${status}`,
    });
    // With nothing placed there is no task whose change would move the stack along: settle it now.
    if (tasks.length === 0) await monitor.refresh(stackId);
    return (await this.get(stackId)) ?? { stack: updated };
  }

  startMonitor(): Promise<void> {
    return this.deps.monitor.start();
  }

  stopMonitor(): Promise<void> {
    return this.deps.monitor.stop();
  }
}
