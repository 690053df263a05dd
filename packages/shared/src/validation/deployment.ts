import { DEPLOYMENT_MODES, NETWORK_MODES, PLACEMENT_STRATEGIES } from '../models/stackSpec.js';
import { type ValidationContext } from './context.js';
import { mustBeOneOf, quote } from './describe.js';
import { jsonPath } from './jsonPath.js';
import { pinsOf } from './pins.js';

export function checkDeploymentSettings(ctx: ValidationContext): void {
  const { deployment } = ctx.spec;
  const sets = [
    ['mode', DEPLOYMENT_MODES, deployment.mode],
    ['placementStrategy', PLACEMENT_STRATEGIES, deployment.placementStrategy],
    ['networkMode', NETWORK_MODES, deployment.networkMode],
  ] as const;
  for (const [field, allowed, value] of sets) {
    if (!(allowed as readonly string[]).includes(value)) {
      ctx.error(jsonPath('deployment', field), `${field} ${mustBeOneOf(allowed, value)}`);
    }
  }
}

export function checkHostConstraints(ctx: ValidationContext): void {
  const names = new Set(ctx.spec.containers.map((container) => container.name));
  ctx.spec.deployment.hostConstraints.forEach((constraint, n) => {
    const { containerName } = constraint;
    if (containerName !== undefined && !names.has(containerName)) {
      ctx.error(
        jsonPath('deployment', 'hostConstraints', n, 'containerName'),
        `host constraint names container ${quote(containerName)}, which is not a container of this stack`,
      );
    }
  });
}

/**
 * A container pinned to two different hosts cannot be placed, and a single-host stack whose containers
 * are pinned to different hosts contradicts itself. Both are certain before placement, so they fail here.
 */
export function checkPinConsistency(ctx: ValidationContext): void {
  const { spec } = ctx;
  const pinnedTo: Array<{ name: string; host: string }> = [];
  spec.containers.forEach((container, k) => {
    const pins = pinsOf(spec, k);
    const strongest = pins[0];
    if (strongest === undefined) return;
    pinnedTo.push({ name: container.name, host: strongest.host });
    // The stack's default host only fills in for containers with no pin of their own, so it cannot clash.
    for (const pin of pins.slice(1)) {
      if (pin.specPath === 'defaultHost' || pin.host === strongest.host) continue;
      ctx.error(
        pin.specPath,
        `container ${quote(container.name)} is pinned to host ${quote(strongest.host)} (${ctx.where(strongest.specPath)}) but this targets host ${quote(pin.host)}`,
      );
    }
  });
  if (spec.deployment.mode === 'single-host') {
    const hosts = new Set(pinnedTo.map((pin) => pin.host));
    if (hosts.size > 1) {
      const list = pinnedTo.map((pin) => `${pin.name} → ${pin.host}`).join(', ');
      ctx.error(jsonPath('deployment', 'mode'), `single-host mode, but containers are pinned to different hosts: ${list}`);
    }
  }
}
