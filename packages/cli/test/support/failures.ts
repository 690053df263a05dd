import type { AgentTaskDocument } from '@graphium/shared';
import type { Outcome } from '../../../controller/test/integration/simulatedAgents.js';

/** Deploys of a container named "bad" fail as a real agent reports an image that does not exist. */
export function failBad(task: AgentTaskDocument): Outcome {
  if (task.containerName !== 'bad' || task.taskType !== 'deploy') return { complete: true };
  return {
    fail: {
      code: 'IMAGE_NOT_FOUND',
      message: 'image busybox:no-such-tag not found',
      retryable: false,
      logs: ['pulling busybox:no-such-tag', 'manifest unknown'],
    },
  };
}
