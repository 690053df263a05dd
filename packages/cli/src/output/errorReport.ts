/**
 * How a failed command reads: on a terminal, the message, what the controller said it was, every located
 * issue on its own line, and what to do about it where that is clear; with `--json`, the API's error shape
 * on stderr (CLI-side failures use the same shape, with the error kind as the code).
 */
import type { CliError } from '../errors.js';

interface Located {
  path: string;
  message: string;
}

const HINTS: Record<string, string> = {
  UNAUTHENTICATED:
    'give a token with --token, GRAPHIUM_TOKEN or the config file (the admin token is printed at the controller\'s first start; `controller token create --user NAME` makes more)',
  FORBIDDEN: 'this token may not do that: a user or admin token is needed',
};

export function renderError(error: CliError): string {
  const origin = error.status === undefined ? '' : ` (HTTP ${error.status}${error.code === undefined ? '' : ` ${error.code}`})`;
  let text = `error: ${error.message}${origin}\n`;
  for (const issue of issuesOf(error.details)) text += `  ${issue.path === '' ? '(document)' : issue.path}: ${issue.message}\n`;
  const hint = error.code === undefined ? undefined : HINTS[error.code];
  if (hint !== undefined) text += `hint: ${hint}\n`;
  return text;
}

export function renderErrorJson(error: CliError): string {
  const code = error.code ?? error.kind.toUpperCase();
  const body = { error: { code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** Validation errors come as `details.errors` (stack definitions) or `details.issues` (bodies, queries). */
function issuesOf(details: unknown): Located[] {
  if (typeof details !== 'object' || details === null) return [];
  const { errors, issues } = details as { errors?: unknown; issues?: unknown };
  const list = Array.isArray(errors) ? errors : Array.isArray(issues) ? issues : [];
  return list.filter(
    (item): item is Located => typeof item === 'object' && item !== null && typeof item.message === 'string' && typeof (item.path ?? '') === 'string',
  ).map((item) => ({ path: item.path ?? '', message: item.message }));
}
