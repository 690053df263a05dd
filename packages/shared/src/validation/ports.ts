import { PROTOCOLS } from '../models/stackSpec.js';
import { containerPath, type ValidationContext } from './context.js';
import { mustBeOneOf } from './describe.js';
import { pinnedHostOf } from './pins.js';


function isPortNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

export function checkPortValues(ctx: ValidationContext): void {
  ctx.spec.containers.forEach((container, k) => {
    container.ports.forEach((port, m) => {
      if (!isPortNumber(port.containerPort)) {
        ctx.error(containerPath(k, 'ports', m, 'containerPort'), `container port ${String(port.containerPort)} is not in 1..65535`);
      }
      if (port.hostPort !== undefined && !isPortNumber(port.hostPort)) {
        const hint = port.hostPort === 0 ? ' (omit hostPort to let Docker pick a free port)' : '';
        ctx.error(containerPath(k, 'ports', m, 'hostPort'), `host port ${String(port.hostPort)} is not in 1..65535${hint}`);
      }
      if (!(PROTOCOLS as readonly string[]).includes(port.protocol)) {
        ctx.error(containerPath(k, 'ports', m, 'protocol'), `protocol ${mustBeOneOf(PROTOCOLS, port.protocol)}`);
      }
    });
  });
}

interface Claim {
  container: number;
  port: number;
  hostIP: string;
}

/**
 * Two binds of one port and protocol on one host clash whatever their addresses: placement counts a host
 * port as taken on the whole host (agents report used ports without addresses), and validation must not
 * accept what placement will refuse.
 */
function overlaps(_a: string, _b: string): boolean {
  return true;
}

/**
 * Host ports must be unique per host. Where the host is known before placement (a pin, the stack's
 * default host, or single-host mode where all containers share one host) a clash is certain and reported
 * here; elsewhere the placement checker steers containers away from taken ports.
 */
export function checkHostPortConflicts(ctx: ValidationContext): void {
  const { spec } = ctx;
  const claimsByHost = new Map<string, Map<string, Claim[]>>();
  // In single-host mode every container shares one host, pinned or not (conflicting pins are reported by
  // the deployment rules).
  const singleHost = spec.deployment.mode === 'single-host';
  const singlePin = singleHost
    ? spec.containers.map((_, k) => pinnedHostOf(spec, k)).find((host) => host !== undefined)
    : undefined;

  spec.containers.forEach((container, k) => {
    const pinned = singleHost ? singlePin : pinnedHostOf(spec, k);
    const hostKey = singleHost ? '' : pinned;
    const ownClaims = new Map<string, Claim[]>();
    container.ports.forEach((port, m) => {
      if (port.hostPort === undefined || !isPortNumber(port.hostPort)) return;
      const key = `${port.hostPort}/${port.protocol}`;
      const hostIP = port.hostIP ?? '';
      const path = containerPath(k, 'ports', m, 'hostPort');

      const own = ownClaims.get(key) ?? [];
      const twin = own.find((claim) => overlaps(claim.hostIP, hostIP));
      if (twin !== undefined) {
        ctx.error(path, `host port ${key} is already published by ${ctx.where(containerPath(k, 'ports', twin.port))}`);
        return;
      }
      own.push({ container: k, port: m, hostIP });
      ownClaims.set(key, own);

      if (hostKey === undefined) return;
      const hostClaims = claimsByHost.get(hostKey) ?? new Map<string, Claim[]>();
      claimsByHost.set(hostKey, hostClaims);
      const claims = hostClaims.get(key) ?? [];
      hostClaims.set(key, claims);
      const other = claims.find((claim) => claim.container !== k && overlaps(claim.hostIP, hostIP));
      if (other !== undefined) {
        const where = pinned === undefined ? 'on the one host of this single-host stack' : `on host "${pinned}"`;
        const otherName = spec.containers[other.container]?.name ?? '';
        ctx.error(
          path,
          `host port ${key} ${where} is also requested by container "${otherName}" (${ctx.where(containerPath(other.container, 'ports', other.port, 'hostPort'))})`,
        );
        return;
      }
      claims.push({ container: k, port: m, hostIP });
    });
  });
}
