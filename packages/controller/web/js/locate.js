/**
 * Where a validation error's path (`hasPart[1].ports[0].hostPort`, `services.web.image`) sits in the text the
 * user wrote, so the message can be shown beside that line. JSON is scanned into a path → offset map; YAML
 * (compose) is followed by indentation. Paths of JSON-LD errors are relative to the stack node, so they are
 * also tried under every `@graph[i]`. A path that does not exist (a missing field) falls back to its parent.
 */

/** Splits `a.b[2].c` into ['a', 'b', 2, 'c']. */
export function segmentsOf(path) {
  const segments = [];
  for (const match of String(path).matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    segments.push(match[2] !== undefined ? Number(match[2]) : match[1]);
  }
  return segments;
}

const keyOf = (segments) => segments.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');

/** JSON text → Map(path key → offset of the member's key, or of the value for array items). */
function jsonOffsets(text) {
  const offsets = new Map();
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i += 1;
  };
  const string = () => {
    const start = i;
    i += 1;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i += 1;
    return JSON.parse(text.slice(start, i));
  };
  const value = (path) => {
    ws();
    const c = text[i];
    if (c === '{') {
      i += 1;
      ws();
      if (text[i] === '}') {
        i += 1;
        return;
      }
      for (;;) {
        ws();
        const at = i;
        const key = string();
        offsets.set(keyOf([...path, key]), at);
        ws();
        i += 1; // ':'
        value([...path, key]);
        ws();
        if (text[i] === ',') i += 1;
        else {
          i += 1;
          return;
        }
      }
    } else if (c === '[') {
      i += 1;
      ws();
      if (text[i] === ']') {
        i += 1;
        return;
      }
      for (let index = 0; ; index += 1) {
        ws();
        offsets.set(keyOf([...path, index]), i);
        value([...path, index]);
        ws();
        if (text[i] === ',') i += 1;
        else {
          i += 1;
          return;
        }
      }
    } else if (c === '"') string();
    else while (i < text.length && !/[\s,\]}]/.test(text[i])) i += 1;
  };
  try {
    value([]);
  } catch {
    // Broken JSON: whatever was mapped before the break still helps.
  }
  return offsets;
}

/** YAML by indentation: offset of the line that holds each path (enough for compose files). */
function yamlOffset(text, segments) {
  const lines = text.split('\n');
  const starts = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  let from = 0;
  let to = lines.length;
  let parentIndent = -1;
  let found;
  for (const segment of segments) {
    let hit;
    let count = -1;
    let childIndent;
    for (let n = from; n < to; n += 1) {
      const line = lines[n];
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      const indent = line.length - line.trimStart().length;
      if (indent <= parentIndent) break;
      const body = line.trimStart();
      const itemIndent = body.startsWith('- ') ? indent : undefined;
      childIndent ??= indent;
      if (typeof segment === 'number') {
        if (itemIndent === childIndent && (count += 1) === segment) {
          hit = { n, indent: indent + 1 };
          break;
        }
      } else if (indent === childIndent || (body.startsWith('- ') && indent + 2 === childIndent)) {
        const key = body.replace(/^- /, '').match(/^["']?([^"':]+)["']?\s*:/)?.[1];
        if (key === segment) {
          hit = { n, indent };
          break;
        }
      }
    }
    if (hit === undefined) return undefined;
    found = starts[hit.n];
    parentIndent = hit.indent;
    from = hit.n + 1;
    let end = from;
    while (end < to) {
      const line = lines[end];
      if (line.trim() !== '' && line.length - line.trimStart().length <= parentIndent - (typeof segment === 'number' ? 1 : 0)) break;
      end += 1;
    }
    to = end;
    if (typeof segment === 'number') from = hit.n; // the item's first key shares the dash line
  }
  return found;
}

/**
 * The 1-based line of `path` in `text`, and whether it is the exact field or a parent (missing field);
 * undefined when nothing of the path can be found.
 */
export function locate(text, path) {
  const segments = segmentsOf(path);
  if (/^\s*[[{]/.test(text)) {
    const offsets = jsonOffsets(text);
    const graph = [...offsets.keys()].filter((k) => /^\.@graph\[\d+\]$/.test(k));
    const prefixes = [[], ...graph.map((k) => ['@graph', Number(/\[(\d+)\]/.exec(k)[1])])];
    for (let depth = segments.length; depth >= 1; depth -= 1) {
      for (const prefix of prefixes) {
        const at = offsets.get(keyOf([...prefix, ...segments.slice(0, depth)]));
        if (at !== undefined) return { line: lineAt(text, at), exact: depth === segments.length };
      }
    }
    return undefined;
  }
  for (let depth = segments.length; depth >= 1; depth -= 1) {
    const at = yamlOffset(text, segments.slice(0, depth));
    if (at !== undefined) return { line: lineAt(text, at), exact: depth === segments.length };
  }
  return undefined;
}

function lineAt(text, offset) {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i += 1) if (text[i] === '\n') line += 1;
  return line;
}
