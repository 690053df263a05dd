/**
 * Finds where JSON text stops being JSON, for error messages. JSON.parse does the real parsing; on
 * Node 20 its message often has no position at all (and echoes the whole input), so on failure this small
 * recognizer walks the text again and names the first offending offset and what was expected there.
 */
export interface JsonSyntaxError {
  offset: number;
  message: string;
}

export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (message: string): JsonSyntaxError => ({ offset: i, message });
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const found = (): string => (i >= text.length ? 'the end of the input' : JSON.stringify(text.charAt(i)));

  // Containers still open, innermost last; an explicit stack keeps deep nesting off the call stack.
  const open: Array<'{' | '['> = [];
  // What may come next: a value, an object key (or "}" right after "{"), or a separator/closer.
  let expect: 'value' | 'firstValue' | 'key' | 'firstKey' | 'after' = 'value';
  for (;;) {
    skipSpace();
    if (expect === 'after') {
      const inside = open[open.length - 1];
      if (inside === undefined) {
        return i < text.length ? fail(`unexpected ${found()} after the JSON value`) : undefined;
      }
      const ch = text.charAt(i);
      if (ch === ',') {
        i++;
        expect = inside === '{' ? 'key' : 'value';
      } else if ((ch === '}' && inside === '{') || (ch === ']' && inside === '[')) {
        i++;
        open.pop();
      } else {
        return fail(`expected "," or "${inside === '{' ? '}' : ']'}", found ${found()}`);
      }
      continue;
    }
    if (expect === 'key' || expect === 'firstKey') {
      if (expect === 'firstKey' && text.charAt(i) === '}') {
        i++;
        open.pop();
        expect = 'after';
        continue;
      }
      if (text.charAt(i) !== '"') return fail(`expected a property name in double quotes, found ${found()}`);
      const error = scanString();
      if (error !== undefined) return error;
      skipSpace();
      if (text.charAt(i) !== ':') return fail(`expected ":" after the property name, found ${found()}`);
      i++;
      expect = 'value';
      continue;
    }
    if (expect === 'firstValue' && text.charAt(i) === ']') {
      i++;
      open.pop();
      expect = 'after';
      continue;
    }
    const ch = text.charAt(i);
    if (ch === '{' || ch === '[') {
      open.push(ch);
      i++;
      expect = ch === '{' ? 'firstKey' : 'firstValue';
      continue;
    }
    if (ch === '"') {
      const error = scanString();
      if (error !== undefined) return error;
    } else if (/[-0-9]/.test(ch)) {
      const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (match === null) return fail(`malformed number`);
      i += match[0].length;
    } else {
      const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
      if (literal === undefined) return fail(`expected a value, found ${found()}`);
      i += literal.length;
    }
    expect = 'after';
  }

  function scanString(): JsonSyntaxError | undefined {
    i++;
    while (i < text.length) {
      const ch = text.charAt(i);
      if (ch === '"') {
        i++;
        return undefined;
      }
      if (ch === '\\') {
        const next = text.charAt(i + 1);
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, message: 'malformed \\u escape in a string' };
          i += 6;
        } else if ('"\\/bfnrt'.includes(next) && next !== '') {
          i += 2;
        } else {
          return { offset: i, message: `invalid escape "\\${next}" in a string` };
        }
        continue;
      }
      if (ch < ' ') return { offset: i, message: 'unescaped control character in a string' };
      i++;
    }
    return { offset: i, message: 'unterminated string' };
  }
}

/** 1-based line and column of an offset. */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charAt(i) === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
