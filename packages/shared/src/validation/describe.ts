/** How a value is named in messages: `a string ("abc")`, `an array`, `null`. Long strings are cut short. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `a string (${quote(value)})`;
    case 'number':
      return `a number (${String(value)})`;
    case 'boolean':
      return `a boolean (${String(value)})`;
    case 'bigint':
      return 'a bigint';
    case 'object': {
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto === null || Object.getPrototypeOf(proto) === null) return 'an object';
      const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
      return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
    }
    default:
      return `a ${typeof value}`;
  }
}

/** A user value inside a message: JSON-quoted, cut at 60 characters so a huge value cannot flood a reply. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/** The one wording for closed sets, shared by parsers and validation. */
export function mustBeOneOf(allowed: readonly string[], got: unknown): string {
  const shown = typeof got === 'string' ? quote(got) : describeValue(got);
  return `must be one of ${allowed.join(', ')}; got ${shown}`;
}
