import type { HostConstraint } from '../models/stackSpec.js';
import { quote } from '../validation/describe.js';
import { jsonPath } from '../validation/jsonPath.js';
import { asString, eachOf } from './coerce.js';
import type { FormatContext } from './formatContext.js';

/** What a service's `deploy.placement.constraints` pin or require. */
export interface ComposePlacement {
  host?: { value: string; path: string };
  constraint?: { value: HostConstraint; path: string };
}

const CONSTRAINT = /^\s*([\w.-]+)\s*(==|!=)\s*(.*?)\s*$/;

/**
 * Swarm placement constraints, translated to Graphium's placement terms:
 *   node.hostname == vm1        → pinned to host vm1 (as locatedInHost)
 *   node.labels.<key> == <v>    → a host constraint requiring label <key>=<v>, taken literally (a swarm
 *                                 label `datacenter` is a label, not Graphium's datacenter field)
 *   node.datacenter == dc1      → a host constraint requiring datacenter dc1 (a Graphium extension)
 * Anything else (`!=`, node.role, node.id, engine.labels, …) is an error: ignoring a constraint could put a
 * container where the file says it must not go.
 */
export function readPlacementConstraints(value: unknown, path: string, serviceName: string, ctx: FormatContext): ComposePlacement {
  const placement: ComposePlacement = {};
  const constraint: HostConstraint = { containerName: serviceName };
  const labels = new Map<string, string>();
  let constraintPath: string | undefined;
  eachOf(value, path, ctx.diag, (item, at) => {
    const text = asString(item, at, ctx.diag);
    if (text === undefined) return;
    const match = CONSTRAINT.exec(text);
    if (match === null) {
      ctx.diag.error(at, `constraint ${quote(text)} is not of the form "<attribute> == <value>"`);
      return;
    }
    const [, attribute = '', operator, expected = ''] = match;
    if (operator === '!=') {
      ctx.diag.error(at, `constraint ${quote(text)}: only "==" constraints are supported`);
      return;
    }
    if (expected === '') {
      ctx.diag.error(at, `constraint ${quote(text)} has no value`);
      return;
    }
    if (attribute === 'node.hostname') {
      if (placement.host !== undefined && placement.host.value !== expected) {
        ctx.diag.error(at, `constraint pins the service to ${quote(expected)}, but ${placement.host.path} pins it to ${quote(placement.host.value)}`);
        return;
      }
      placement.host = { value: expected, path: at };
    } else if (attribute.startsWith('node.labels.') && attribute.length > 'node.labels.'.length) {
      const key = attribute.slice('node.labels.'.length);
      labels.set(key, expected);
      constraintPath ??= at;
    } else if (attribute === 'node.datacenter') {
      constraint.requiredDatacenter = expected;
      constraintPath ??= at;
    } else {
      ctx.diag.error(
        at,
        `constraint on ${quote(attribute)} is not supported (supported: node.hostname, node.labels.<key>, node.datacenter)`,
      );
    }
  });
  if (labels.size > 0) constraint.labels = Object.fromEntries(labels);
  if (constraintPath !== undefined) placement.constraint = { value: constraint, path: constraintPath };
  return placement;
}

export function constraintSpecPath(index: number): string {
  return jsonPath('deployment', 'hostConstraints', index);
}
