/**
 * Stack definitions for the end-to-end tests, in Graphium JSON-LD. The test images are static busybox, whose
 * `httpd` and `sleep` ignore SIGTERM as PID 1 (every stop would wait its full timeout, and the stack formats
 * have no stop timeout): the commands here run under a shell that exits on SIGTERM instead.
 */

/** `sleep` forever, stopping at once on SIGTERM. */
export const IDLE = ['sh', '-c', "trap 'exit 0' TERM; sleep 86400 & wait"];

/** busybox httpd on `port` serving /www (nginx:alpine has an index.html there), stopping at once on SIGTERM. */
export function httpd(port = 80): string[] {
  return ['sh', '-c', `trap 'exit 0' TERM; httpd -f -p ${port} -h /www & wait`];
}

export interface ContainerDef {
  name: string;
  image?: string;
  command?: string[];
  locatedInHost?: string;
  ports?: Array<{ containerPort: number; hostPort?: number }>;
  environment?: Record<string, string>;
  dependsOn?: string[];
  healthCheck?: Record<string, unknown>;
}

export interface StackOptions {
  description?: string;
  placementStrategy?: 'auto' | 'manual' | 'spread' | 'datacenter';
  /** `deployment.hostConstraints`: `{containerName, targetHost, requiredDatacenter, minCpu, minMemory, labels}`. */
  hostConstraints?: Array<Record<string, unknown>>;
}

/** A Graphium JSON-LD stack; containers default to busybox idling. */
export function jsonLdStack(name: string, containers: ContainerDef[], options: StackOptions = {}): object {
  return {
    '@context': ['https://schema.org', { datacenter: 'https://graphium.io/vocab/datacenter#' }],
    '@graph': [
      {
        '@id': `stack:${name}`,
        '@type': ['datacenter:Stack', 'SoftwareApplication'],
        name,
        description: options.description ?? `end-to-end test stack ${name}`,
        deployment: {
          mode: 'multi-host',
          placementStrategy: options.placementStrategy ?? 'manual',
          networkMode: 'host-port',
          ...(options.hostConstraints === undefined ? {} : { hostConstraints: options.hostConstraints }),
        },
        hasPart: containers.map(({ locatedInHost, ...container }) => ({
          image: 'busybox:latest',
          command: IDLE,
          ...container,
          ...(locatedInHost === undefined ? {} : { locatedInHost: { '@id': locatedInHost } }),
        })),
      },
    ],
  };
}
