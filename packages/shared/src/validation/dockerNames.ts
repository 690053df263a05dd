/**
 * Names that become parts of Docker object names. The agent names containers `{stack}-{container}`, so both
 * parts must satisfy Docker's own rule for container names.
 */
export const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Docker volume names: the same alphabet, at least two characters. */
export const DOCKER_VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function isDockerName(name: string): boolean {
  return DOCKER_NAME.test(name);
}
