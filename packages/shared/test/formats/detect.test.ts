import { decodeText, detectFormat, parseStack, syntaxOf } from '../../src/formats/index.js';

describe('format detection', () => {
  it.each([
    [{ '@graph': [] }, 'jsonld'],
    [{ '@type': 'datacenter:Stack', name: 's', hasPart: [] }, 'jsonld'],
    [{ hasPart: [] }, 'jsonld'],
    [{ '@type': 'ItemList', itemListElement: [] }, 'eve'],
    [{ '@type': ['https://schema.org/ItemList'] }, 'eve'],
    [{ itemListElement: [] }, 'eve'],
    [{ services: {} }, 'compose'],
  ])('%j is %s', (value, format) => expect(detectFormat(value)).toEqual({ ok: true, format }));

  it.each([
    [{ foo: 1, bar: 2 }, 'found an object with keys "foo", "bar"'],
    [{}, 'found an empty object'],
    [[1, 2], 'found an array'],
    ['text', 'found a string ("text")'],
    [42, 'found a number (42)'],
    [null, 'found null'],
  ])('%j is refused, naming the three formats and what was found', (value, found) => {
    const detection = detectFormat(value);
    expect(detection.ok).toBe(false);
    if (!detection.ok) {
      expect(detection.message).toContain('Graphium JSON-LD');
      expect(detection.message).toContain('EVE ItemList');
      expect(detection.message).toContain('compose file');
      expect(detection.message).toContain(found);
    }
  });

  it('reports UNKNOWN_FORMAT from parseStack', () => {
    const result = parseStack('just: yaml\n');
    expect(result).toMatchObject({ ok: false, code: 'UNKNOWN_FORMAT', errors: [{ path: '' }] });
    expect(result.ok ? undefined : result.format).toBeUndefined();
  });
});

describe('decoding text', () => {
  it('sniffs JSON and YAML, and honours content type and file name', () => {
    expect(syntaxOf(' {"a":1}', {})).toBe('json');
    expect(syntaxOf('a: 1', {})).toBe('yaml');
    expect(syntaxOf('a: 1', { contentType: 'application/ld+json' })).toBe('json');
    expect(syntaxOf('{"a": 1}', { contentType: 'application/yaml; charset=utf-8' })).toBe('yaml');
    expect(syntaxOf('a: 1', { filename: 'stack.JSON' })).toBe('json');
    expect(syntaxOf('{"a":1}', { filename: 'compose.yml' })).toBe('yaml');
  });

  it.each([
    ['{\n  "a": 1,\n  "b": }', 'invalid JSON at line 3, column 8: expected a value, found "}"'],
    ['{"a": 1', 'invalid JSON at line 1, column 8: expected "," or "}", found the end of the input'],
    ['{"a": 1,}', 'invalid JSON at line 1, column 9: expected a property name in double quotes, found "}"'],
    ["{'a': 1}", 'invalid JSON at line 1, column 2: expected a property name in double quotes'],
    ['[1 2]', 'invalid JSON at line 1, column 4: expected "," or "]", found "2"'],
    ['{"a": "x\ny"}', 'invalid JSON at line 1, column 9: unescaped control character in a string'],
    ['{"a": tru}', 'invalid JSON at line 1, column 7: expected a value, found "t"'],
    ['{"a": 1} x', 'invalid JSON at line 1, column 10: unexpected "x" after the JSON value'],
    ['{"a": "\\q"}', 'invalid JSON at line 1, column 8: invalid escape "\\q" in a string'],
  ])('JSON %p → %p', (text, message) => {
    const result = decodeText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.message).toContain(message);
  });

  it.each([
    ['services:\n  web:\n    image: a\n    image: b\n', 'invalid YAML at line 4, column 5: Map keys must be unique'],
    ['services: [a\n', 'invalid YAML at line'],
    ['a: 1\n---\nb: 2\n', 'multiple documents'],
    ['a:\n\tb: 1\n', 'invalid YAML at line 2'],
  ])('YAML %p → %p', (text, message) => {
    const result = decodeText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.message).toContain(message);
  });

  it('refuses a YAML alias bomb instead of expanding it', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      lines.push(`${next}: &${next} [${Array.from({ length: 9 }, () => `*${prev}`).join(',')}]`);
    }
    const result = decodeText(lines.join('\n'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.message).toMatch(/invalid YAML: .*alias/i);
  });

  it('refuses empty input', () => {
    expect(decodeText('  \n')).toMatchObject({ ok: false, errors: [{ path: '', message: 'the definition is empty' }] });
  });

  it('ignores a byte-order mark and reads bytes as UTF-8', () => {
    const text = '\ufeff{"@graph": [{"@type": "Stack", "name": "s", "hasPart": [{"name": "a", "image": "busybox"}]}]}';
    expect(parseStack(text).ok).toBe(true);
    expect(parseStack(new TextEncoder().encode(text)).ok).toBe(true);
  });

  it('parses YAML 1.2: "22:22" stays a string and "no" stays "no"', () => {
    const result = decodeText('ports: [22:22]\nrestart: no\n');
    expect(result).toMatchObject({ ok: true, value: { ports: ['22:22'], restart: 'no' } });
  });
});
