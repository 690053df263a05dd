import type { z } from 'zod';
import { deploymentSpec, healthCheckSpec, networkSpec } from '../models/stackSpec.js';

/**
 * Defaults come from the zod schemas, so a default changed in stackSpec.ts changes here too. Each call
 * returns a fresh copy: parsers fill in maps and lists, and zod hands back one shared default object.
 */
function defaultsOf<T>(schema: z.ZodType<T>, input: unknown): () => T {
  const parsed = schema.parse(input);
  return () => structuredClone(parsed);
}

export const healthCheckDefaults = defaultsOf(
  healthCheckSpec.pick({ interval: true, timeout: true, retries: true, startPeriod: true, shell: true }),
  {},
);

export const networkDefaults = defaultsOf(
  networkSpec.pick({ driver: true, createIfNotExists: true, external: true, options: true, labels: true }),
  {},
);

export const deploymentDefaults = defaultsOf(deploymentSpec, {});
