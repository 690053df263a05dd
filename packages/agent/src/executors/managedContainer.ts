import { isDockerError, type ContainerView, type DockerPort } from '../docker/port.js';
import { isManaged } from './labels.js';
import { TaskFailure } from './taskFailure.js';

/**
 * The container of this name if Graphium manages it; undefined when there is none. A container of that name
 * without Graphium's label belongs to someone else: the agent refuses to touch it.
 */
export async function findManaged(docker: DockerPort, name: string): Promise<ContainerView | undefined> {
  const view = await docker.inspectContainer(name);
  if (view === undefined) return undefined;
  if (!isManaged(view.labels)) {
    throw new TaskFailure(
      'POLICY_REFUSED',
      `a container named ${name} exists on this host but Graphium does not manage it (no graphium.managed label); remove or rename it`,
    );
  }
  return view;
}

/** Removal that treats "already gone" as done. */
export async function removeIfPresent(docker: DockerPort, id: string): Promise<void> {
  try {
    await docker.removeContainer(id);
  } catch (error) {
    if (!isDockerError(error, 'not-found')) throw error;
  }
}
