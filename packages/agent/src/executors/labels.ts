/**
 * Every container the agent creates carries these labels (STYLE.md rule 10): they make deploy idempotent
 * (the spec hash), let inventory find Graphium's containers, and keep the agent's hands off anyone else's.
 */
export const LABEL = {
  managed: 'graphium.managed',
  stack: 'graphium.stack',
  container: 'graphium.container',
  task: 'graphium.task',
  specHash: 'graphium.spec-hash',
  /**
   * Hash of the final environment. The controller's spec hash covers endpoint values known at plan time
   * only; ones resolved at claim (a dependency's engine-picked port) can change under an equal spec hash.
   */
  envHash: 'graphium.env-hash',
} as const;

export function isManaged(labels: Readonly<Record<string, string>>): boolean {
  return labels[LABEL.managed] === 'true';
}
