import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStack, validateStack } from '../src/index.js';

const examplesDir = join(__dirname, '../../../examples');
const files = readdirSync(examplesDir).filter((f) => /\.(json|ya?ml)$/.test(f));

// Every example in the repository must parse and validate as it is, with nothing to warn about.
describe('examples/', () => {
  it('holds a file of each format', () => {
    const formats = files.map((f) => {
      const result = parseStack(readFileSync(join(examplesDir, f), 'utf8'), { filename: f });
      return result.ok ? result.format : 'invalid';
    });
    expect(new Set(formats)).toEqual(new Set(['jsonld', 'eve', 'compose']));
  });

  it.each(files)('%s parses cleanly', (file) => {
    const result = parseStack(readFileSync(join(examplesDir, file), 'utf8'), { filename: file });
    if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
    expect(result.warnings).toEqual([]);
    expect(validateStack(result.spec)).toEqual([]);
  });

  it('ships the reference stacks unchanged', () => {
    for (const name of ['nginx-multihost-stack.json', 'simple-nginx.json']) {
      expect(readFileSync(join(examplesDir, name), 'utf8')).toBe(
        readFileSync(join(__dirname, 'fixtures/reference', name), 'utf8'),
      );
    }
  });
});
