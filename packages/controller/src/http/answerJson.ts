/**
 * A JSON answer written on Node's response, with the headers express's `res.json` sets (no ETag: the app
 * turns it off). Error answers and the agent lane write through it, so both paths send the same bytes.
 */
import type { ServerResponse } from 'node:http';

export function answerJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', String(Buffer.byteLength(body)));
  res.end(body);
}
