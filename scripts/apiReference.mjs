#!/usr/bin/env node
/**
 * Writes docs/api.md, the HTTP API reference, from the controller's OpenAPI document (the one served at
 * GET /api/v1/openapi.json, built from the same zod schemas the routes validate with). Nothing in the
 * reference is written by hand: change the routes or schemas, rebuild, and run this again.
 *
 *   pnpm exec tsc -b && node scripts/apiReference.mjs           # rewrite docs/api.md
 *   node scripts/apiReference.mjs --check                       # exit 1 when docs/api.md is out of date
 *
 * Reads the built packages (packages/controller/dist/openapi.js, packages/shared/dist), so build first.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'docs/api.md');
const openapiModule = join(root, 'packages/controller/dist/openapi.js');
const sharedModule = join(root, 'packages/shared/dist/index.js');

export const REGENERATE = 'pnpm exec tsc -b && node scripts/apiReference.mjs';

const METHOD_ORDER = ['get', 'post', 'put', 'delete'];
const REF_PREFIX = '#/components/schemas/';
/** Nested object properties are listed down to this depth (`payload.containerSpec.name` is depth 3). */
const MAX_DEPTH = 3;

function anchorOf(name) {
  return name.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}

function refName(ref) {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}

function code(text) {
  return `\`${String(text).replace(/`/g, "'")}\``;
}

/** Table cells: no pipes or line breaks. */
function cell(text) {
  return String(text ?? '').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** A short type expression for a JSON Schema: `string`, `integer 1..65535`, `array of [Host](#host)`… */
function typeOf(schema) {
  if (schema === undefined || schema === null || Object.keys(schema).length === 0) return 'any';
  if (schema.$ref !== undefined) {
    const name = refName(schema.$ref);
    return `[${name}](#${anchorOf(name)})`;
  }
  if (schema.const !== undefined) return code(JSON.stringify(schema.const));
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => code(v)).join(' | ');
  for (const key of ['anyOf', 'oneOf']) {
    if (Array.isArray(schema[key])) {
      const parts = [...new Set(schema[key].map(typeOf))];
      return parts.join(' | ');
    }
  }
  if (Array.isArray(schema.allOf)) return schema.allOf.map(typeOf).join(' & ');
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type;
  if (type === 'array') {
    const items = typeOf(schema.items);
    return `array of ${items.includes(' | ') ? `(${items})` : items}`;
  }
  if (type === 'object') {
    if (schema.properties !== undefined) return 'object';
    const values = schema.additionalProperties;
    if (values !== undefined && values !== false && values !== true && Object.keys(values).length > 0) {
      const valueType = typeOf(values);
      return `map of ${valueType.includes(' | ') ? `(${valueType})` : valueType}`;
    }
    return 'object';
  }
  let text = type ?? 'any';
  if (schema.format !== undefined) text += ` (${schema.format})`;
  return text;
}

/** Bounds and defaults worth knowing, in a few words. */
function constraintsOf(schema) {
  const notes = [];
  const { minimum: min, maximum: max, exclusiveMinimum: xmin } = schema;
  const safe = (n) => n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER;
  if (safe(min) && safe(max)) notes.push(`${min}..${max}`);
  else if (safe(min)) notes.push(`≥ ${min}`);
  else if (safe(max)) notes.push(`≤ ${max}`);
  if (safe(xmin)) notes.push(`> ${xmin}`);
  if (schema.minLength !== undefined && schema.minLength > 1) notes.push(`at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) notes.push(`at most ${schema.maxLength} characters`);
  if (schema.minItems !== undefined && schema.minItems > 0) notes.push(`at least ${schema.minItems} items`);
  if (schema.maxItems !== undefined) notes.push(`at most ${schema.maxItems} items`);
  if (schema.pattern !== undefined && schema.format === undefined) notes.push(`pattern ${code(schema.pattern)}`);
  if (schema.default !== undefined) notes.push(`default ${code(JSON.stringify(schema.default))}`);
  return notes;
}

function describe(schema) {
  return [schema.description, ...constraintsOf(schema)].filter((s) => s !== undefined && s !== '').join('; ');
}

/** Rows `| field | type | required | notes |` for an object schema, nested objects flattened with dots. */
function propertyRows(schema, prefix = '', depth = 1) {
  const rows = [];
  const required = new Set(schema.required ?? []);
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    rows.push(`| ${code(path)} | ${cell(typeOf(prop))} | ${required.has(name) ? 'yes' : ''} | ${cell(describe(prop))} |`);
    if (depth < MAX_DEPTH) {
      const nested = prop.type === 'object' && prop.properties !== undefined ? prop : prop.type === 'array' && prop.items?.properties !== undefined ? prop.items : undefined;
      if (nested !== undefined) rows.push(...propertyRows(nested, `${path}${prop.type === 'array' ? '[]' : ''}.`, depth + 1));
    }
  }
  return rows;
}

function schemaSection(name, schema) {
  const lines = [`### ${name}`, ''];
  if (schema.description !== undefined) lines.push(schema.description, '');
  const variants = schema.anyOf ?? schema.oneOf;
  if (schema.properties !== undefined) {
    lines.push('| field | type | required | notes |', '| --- | --- | --- | --- |', ...propertyRows(schema), '');
  } else if (Array.isArray(variants)) {
    lines.push(`One of ${variants.length} shapes:`, '');
    variants.forEach((variant, i) => {
      if (variant.properties !== undefined) {
        lines.push(`${i + 1}. object:`, '', '| field | type | required | notes |', '| --- | --- | --- | --- |', ...propertyRows(variant), '');
      } else {
        lines.push(`${i + 1}. ${typeOf(variant)}`, '');
      }
    });
  } else {
    lines.push(`Type: ${typeOf(schema)}`, '');
  }
  return lines;
}

function operationSection(path, method, op) {
  const lines = [`### ${method.toUpperCase()} ${path}`, '', `${op.summary}`, '', `Access: ${op.description ?? ''}`, ''];
  const params = op.parameters ?? [];
  if (params.length > 0) {
    lines.push('| parameter | in | type | required | notes |', '| --- | --- | --- | --- | --- |');
    for (const p of params) {
      lines.push(`| ${code(p.name)} | ${p.in} | ${cell(typeOf(p.schema))} | ${p.required ? 'yes' : ''} | ${cell(describe(p.schema ?? {}))} |`);
    }
    lines.push('');
  }
  if (op.requestBody !== undefined) {
    const content = Object.entries(op.requestBody.content ?? {});
    const bodies = content.map(([type, media]) => `${code(type)}: ${typeOf(media.schema)}`);
    lines.push(`Request body${op.requestBody.description ? ` (${op.requestBody.description})` : ''}: ${bodies.join(', ')}`, '');
  }
  lines.push('| status | meaning | body |', '| --- | --- | --- |');
  for (const [status, response] of Object.entries(op.responses).sort(([a], [b]) => Number(a) - Number(b))) {
    const media = Object.entries(response.content ?? {});
    const body = media.map(([type, m]) => (type === 'application/json' ? typeOf(m.schema) : `${code(type)} ${m.schema && Object.keys(m.schema).length > 0 ? typeOf(m.schema) : ''}`.trim()));
    lines.push(`| ${status} | ${cell(response.description)} | ${cell(body.join(', '))} |`);
  }
  lines.push('');
  return lines;
}

export function renderApiReference(doc, errorStatus) {
  const lines = [
    '<!-- Generated by scripts/apiReference.mjs from the controller\'s OpenAPI document. Do not edit by hand:',
    `     change the routes or schemas, then run: ${REGENERATE} -->`,
    '',
    `# ${doc.info.title} (v${doc.info.version})`,
    '',
    doc.info.description,
    '',
    'The same document is served, machine-readable, at `GET /api/v1/openapi.json` (OpenAPI ' + doc.openapi + ').',
    'Every request except those marked "No token needed" carries `Authorization: Bearer <token>`: an admin token',
    '(`gra_…`, printed once at the controller\'s first start), a user token (`gru_…`, `controller token create --user',
    'NAME`) or an agent token (`grh_…`, `controller token create --agent HOST_ID`, bound to that host).',
    '',
    '## Operations',
    '',
  ];
  const tags = doc.tags.map((t) => t.name);
  const byTag = new Map(tags.map((t) => [t, []]));
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHOD_ORDER) {
      const op = item[method];
      if (op === undefined) continue;
      const tag = op.tags?.[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  lines.push('| method | path | summary | access |', '| --- | --- | --- | --- |');
  for (const [, ops] of byTag) {
    for (const { path, method, op } of ops) {
      const anchor = anchorOf(`${method.toUpperCase()} ${path}`);
      lines.push(`| ${method.toUpperCase()} | [${code(path)}](#${anchor}) | ${cell(op.summary)} | ${cell(op.description)} |`);
    }
  }
  lines.push('');
  for (const [tag, ops] of byTag) {
    if (ops.length === 0) continue;
    lines.push(`## ${tag}`, '');
    for (const { path, method, op } of ops) lines.push(...operationSection(path, method, op));
  }

  lines.push(
    '## Errors',
    '',
    'Every error has the shape `{"error": {"code", "message", "details"}}`; the code decides the HTTP status:',
    '',
    '| code | HTTP status |',
    '| --- | --- |',
    ...Object.entries(errorStatus).map(([name, status]) => `| ${code(name)} | ${status} |`),
    '',
    '## Schemas',
    '',
  );
  for (const name of Object.keys(doc.components.schemas).sort()) {
    lines.push(...schemaSection(name, doc.components.schemas[name]));
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

async function main() {
  const check = process.argv.includes('--check');
  for (const file of [openapiModule, sharedModule]) {
    if (!existsSync(file)) {
      process.stderr.write(`apiReference: ${relative(root, file)} is missing; build first: pnpm exec tsc -b\n`);
      process.exit(2);
    }
  }
  const { buildOpenApiDocument } = await import(pathToFileURL(openapiModule).href);
  const { ERROR_STATUS } = await import(pathToFileURL(sharedModule).href);
  const text = renderApiReference(buildOpenApiDocument(), ERROR_STATUS);
  const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (check) {
    if (current === text) return;
    process.stderr.write(
      `apiReference: docs/api.md is out of date with the controller's OpenAPI document.\nRegenerate it: ${REGENERATE}\n`,
    );
    process.exit(1);
  }
  if (current !== text) writeFileSync(target, text);
  process.stdout.write(`apiReference: ${current === text ? 'unchanged' : 'wrote'} docs/api.md\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
