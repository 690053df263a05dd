/**
 * Body parsing per route, so each route states what it consumes. Both parsers enforce the body limit (413)
 * and refuse a body of another media type (415) instead of quietly ignoring it.
 */
import { AppError } from '@graphium/shared';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

const JSON_TYPES = ['application/json', 'application/*+json'];

/** Stack definitions arrive as JSON (incl. JSON-LD), YAML (compose) or plain text; parsing is the stack service's. */
export const DEFINITION_TYPES = [
  'application/json',
  'application/ld+json',
  'application/*+json',
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/x-yaml',
  'text/plain',
];

function requireMediaType(types: readonly string[]): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction): void => {
    // `req.is` answers null when there is no body at all, which is fine: the schema decides.
    if (req.is([...types]) === false) {
      const given = req.get('content-type') ?? '(none)';
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', `content type ${given} is not accepted here; send one of ${types.join(', ')}`, {
        details: { accepted: types },
      });
    }
    next();
  };
}

export function jsonBody(limitBytes: number): RequestHandler[] {
  return [requireMediaType(JSON_TYPES), express.json({ limit: limitBytes, type: JSON_TYPES, strict: true })];
}

/** The raw definition text in `req.body` (a string), whatever its format. */
export function definitionBody(limitBytes: number): RequestHandler[] {
  return [requireMediaType(DEFINITION_TYPES), express.text({ limit: limitBytes, type: DEFINITION_TYPES })];
}
