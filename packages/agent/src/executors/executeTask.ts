/**
 * One entry point for every task type. The payload kind must match the task type; a mismatch is a spec
 * error, not something to guess around. Any failure leaves here as a TaskFailure.
 */
import type { AgentTaskDocument, TaskResult } from '@graphium/shared';
import type { ExecutorContext } from './context.js';
import { deploy } from './deploy.js';
import { asTaskFailure, TaskFailure } from './taskFailure.js';
import { remove, restart, start, stop } from './targetOps.js';

async function dispatch(task: AgentTaskDocument, ctx: ExecutorContext): Promise<TaskResult> {
  const { payload } = task;
  if (task.taskType === 'deploy') {
    if (payload.kind !== 'deploy') throw new TaskFailure('SPEC_INVALID', `a deploy task needs a deploy payload, got "${payload.kind}"`);
    return deploy(task, payload, ctx);
  }
  if (payload.kind !== 'target') throw new TaskFailure('SPEC_INVALID', `a ${task.taskType} task needs a target payload, got "${payload.kind}"`);
  switch (task.taskType) {
    case 'stop':
      return stop(payload, ctx);
    case 'start':
      return start(payload, ctx);
    case 'restart':
      return restart(payload, ctx);
    case 'remove':
      return remove(payload, ctx);
  }
}

export async function executeTask(task: AgentTaskDocument, ctx: ExecutorContext): Promise<TaskResult> {
  try {
    ctx.signal.throwIfAborted();
    return await dispatch(task, ctx);
  } catch (error) {
    throw asTaskFailure(error, ctx.signal);
  }
}
