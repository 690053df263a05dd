import { z } from 'zod';

/** The vocabulary every Graphium document names in `@context`. */
export const GRAPHIUM_CONTEXT = 'https://graphium.dev/ns/v1';

export const jsonLdContext = z.union([
  z.string(),
  z.record(z.string(), z.unknown()),
  z.array(z.union([z.string(), z.record(z.string(), z.unknown())])),
]);

/** Fields that make a stored document JSON-LD: `@id` equals CouchDB's `_id`. */
export function jsonLdDocument<T extends string>(type: T) {
  return z.object({
    '@context': jsonLdContext.default(GRAPHIUM_CONTEXT),
    '@type': z.literal(type),
    '@id': z.string().min(1),
    _id: z.string().min(1).optional(),
    _rev: z.string().optional(),
  });
}

/** ISO-8601 timestamp as stored in documents (the clock is always read outside `shared`). */
export const isoTimestamp = z.iso.datetime({ offset: true });

export const stringMap = z.record(z.string(), z.string());
