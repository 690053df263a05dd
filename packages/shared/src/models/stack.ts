import { z } from 'zod';
import { isoTimestamp, jsonLdDocument } from './jsonld.js';
import { STACK_FORMATS, stackSpec } from './stackSpec.js';

export const STACK_STATUSES = [
  'pending',
  'deploying',
  'running',
  'degraded',
  'stopping',
  'stopped',
  'deleting',
  'error',
] as const;
export type StackStatus = (typeof STACK_STATUSES)[number];

export const STACK_ACTIONS = ['deploy', 'stop', 'start', 'remove'] as const;
export type StackAction = (typeof STACK_ACTIONS)[number];

/** Stacks are identified by name: deploying the same name again is a redeploy (next generation). */
export function stackIdOf(name: string): string {
  return `stack:${name}`;
}

export const issueSchema = z.object({ path: z.string(), message: z.string() });

export const stackDocument = jsonLdDocument('Stack').extend({
  name: z.string().min(1),
  description: z.string().optional(),
  /** The normalized definition, whatever format it was submitted in. */
  definition: stackSpec,
  sourceFormat: z.enum(STACK_FORMATS),
  status: z.enum(STACK_STATUSES),
  /** Bumped by every deploy; task ids include it so a redeploy never collides with the last one. */
  generation: z.number().int().min(1),
  /** Counts the operations on this generation (0 = its deploy, then each stop, start, remove). */
  operation: z.number().int().min(0).default(0),
  /** What the latest operation asked for. */
  action: z.enum(STACK_ACTIONS).default('deploy'),
  owner: z.string().optional(),
  errorMessage: z.string().optional(),
  warnings: z.array(issueSchema).default([]),
  dateCreated: isoTimestamp,
  dateModified: isoTimestamp,
});
export type StackDocument = z.infer<typeof stackDocument>;
