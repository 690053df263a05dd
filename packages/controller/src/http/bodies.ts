/**
 * Body parsing per route, so each route states what it consumes. Both parsers enforce the body limit (413)
 * and refuse a body of another media type (415) instead of quietly ignoring it. They are connect-style
 * middleware on Node's own request and response, so the agent lane runs the very same ones express does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '@graphium/shared';
import express from 'express';
import typeis from 'type-is';

/** Middleware that needs nothing of express: what the body parsers are, and what the agent lane can run. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

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

function requireMediaType(types: readonly string[]): NodeMiddleware {
  return (req, _res, next) => {
    // type-is answers null when there is no body at all, which is fine: the schema decides.
    if (typeis(req, [...types]) === false) {
      const given = req.headers['content-type'] ?? '(none)';
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', `content type ${given} is not accepted here; send one of ${types.join(', ')}`, {
        details: { accepted: types },
      });
    }
    next();
  };
}

export function jsonBody(limitBytes: number): NodeMiddleware[] {
  return [requireMediaType(JSON_TYPES), express.json({ limit: limitBytes, type: JSON_TYPES, strict: true })];
}

/** The raw definition text in `req.body` (a string), whatever its format. */
export function definitionBody(limitBytes: number): NodeMiddleware[] {
  return [requireMediaType(DEFINITION_TYPES), express.text({ limit: limitBytes, type: DEFINITION_TYPES })];
}
