import { composeVariableNames, parseStack } from '../../src/formats/index.js';
import { stackSubmission } from '../../src/models/index.js';

describe('composeVariableNames: what a client must send for a compose file to deploy as from its shell', () => {
  const compose = [
    'services:',
    '  web:',
    '    image: "nginx:${TAG}"',
    '    ports: ["${PORT:-8080}:80"]',
    '    environment:',
    '      - API_KEY',
    '      - MODE=$MODE',
    '      - LITERAL=$$HOME',
    '  db:',
    '    image: "postgres:${PG:-${PG_FALLBACK}}"',
    '    environment:',
    '      PASSWORD:',
    '      USER: admin',
  ].join('\n');

  it('lists interpolated names (nested defaults too), bare environment keys, and no $$ literal', () => {
    expect(composeVariableNames(compose)).toEqual(['API_KEY', 'MODE', 'PASSWORD', 'PG', 'PG_FALLBACK', 'PORT', 'TAG']);
  });

  it('is enough: the same file parses once exactly those names have values', () => {
    const names = composeVariableNames(compose);
    expect(parseStack(compose, { filename: 'x.yml' }).ok).toBe(false);
    // A number fits every use here: an image tag, a host port, an environment value.
    const variables = Object.fromEntries(names.map((n) => [n, '8081']));
    const parsed = parseStack(compose, { filename: 'x.yml', variables });
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
  });

  it('is empty for the JSON formats and for text that does not decode', () => {
    const jsonld = JSON.stringify({ '@graph': [{ '@type': 'Stack', name: '${NOT_A_VAR}', hasPart: [] }] });
    expect(composeVariableNames(jsonld)).toEqual([]);
    expect(composeVariableNames('services: [unclosed')).toEqual([]);
  });
});

describe('stackSubmission', () => {
  it('takes a definition with variables, defaulting them to none', () => {
    expect(stackSubmission.parse({ definition: 'services: {}' })).toEqual({ definition: 'services: {}', variables: {} });
  });

  it('refuses unknown fields and names that are not variable names, with their paths', () => {
    const result = stackSubmission.safeParse({ definition: 'x', variables: { 'not-a-name': 'v' }, extra: 1 });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['variables.not-a-name', '']));
  });
});
