/**
 * What this host allows, whatever the controller sends (DESIGN.md §8): privileged containers, the host's
 * network and bind mounts outside the allowed paths are refused unless the agent was started allowing them.
 */
import { posix } from 'node:path';
import type { ContainerSpec } from '@graphium/shared';
import { TaskFailure } from './taskFailure.js';

export interface HostPolicy {
  allowPrivileged: boolean;
  allowHostNetwork: boolean;
  /** Absolute host paths under which bind mounts are allowed; empty: none. */
  allowBindPaths: readonly string[];
}

export const STRICT_POLICY: HostPolicy = Object.freeze({ allowPrivileged: false, allowHostNetwork: false, allowBindPaths: [] });

/** Whether `path` is `root` or lies under it, segment by segment (`/data` does not admit `/database`). */
export function isUnder(path: string, root: string): boolean {
  const normalizedRoot = posix.normalize(root).replace(/\/+$/, '') || '/';
  const normalizedPath = posix.normalize(path);
  if (normalizedRoot === '/') return true;
  return normalizedPath === normalizedRoot || normalizedPath.startsWith(`${normalizedRoot}/`);
}

/** Every reason to refuse the spec; empty when the host allows it. */
export function policyViolations(spec: ContainerSpec, policy: HostPolicy): string[] {
  const reasons: string[] = [];
  if (spec.privileged === true && !policy.allowPrivileged) {
    reasons.push('privileged containers are not allowed on this host (start the agent with --allow-privileged)');
  }
  const networkMode = spec.networkMode?.toLowerCase();
  if (networkMode === 'host' && !policy.allowHostNetwork) {
    reasons.push("the host's network is not allowed on this host (start the agent with --allow-host-network)");
  }
  for (const mount of spec.volumeMounts) {
    if (mount.type !== 'bind') continue;
    const source = mount.source ?? '';
    if (!source.startsWith('/')) {
      reasons.push(`bind mount source "${source}" is not an absolute path`);
    } else if (!policy.allowBindPaths.some((root) => isUnder(source, root))) {
      const allowed = policy.allowBindPaths.length === 0 ? 'none are allowed' : `allowed: ${policy.allowBindPaths.join(', ')}`;
      reasons.push(`bind mount of ${posix.normalize(source)} is outside the paths this host allows (${allowed}; see --allow-bind)`);
    }
  }
  return reasons;
}

export function enforcePolicy(spec: ContainerSpec, policy: HostPolicy): void {
  const reasons = policyViolations(spec, policy);
  if (reasons.length > 0) throw new TaskFailure('POLICY_REFUSED', `refused by host policy: ${reasons.join('; ')}`);
}
