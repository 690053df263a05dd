/** The pure parts: settings precedence, reading a definition file, the event-stream reader, tables. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { resolveConfig } from '../src/config.js';
import { contentTypeOf, readDefinition } from '../src/definitionFile.js';
import { readServerSentEvents } from '../src/sse.js';
import { renderTable } from '../src/output/table.js';

let home: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'graphium-cli-unit-'));
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

function writeConfig(settings: object, path = join(home, '.config', 'graphium', 'config.json')): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(settings));
  return path;
}

describe('resolveConfig: flags > env > file > default', () => {
  it('defaults to the local controller and no token', () => {
    expect(resolveConfig({ flags: {}, env: {}, homeDir: home })).toEqual({ controller: 'http://localhost:8095' });
  });

  it('takes each setting from the strongest source that has it', () => {
    writeConfig({ controller: 'http://file:1', token: 'from-file' });
    expect(resolveConfig({ flags: {}, env: {}, homeDir: home })).toEqual({ controller: 'http://file:1', token: 'from-file' });
    expect(resolveConfig({ flags: {}, env: { GRAPHIUM_TOKEN: 'from-env' }, homeDir: home })).toEqual({ controller: 'http://file:1', token: 'from-env' });
    expect(
      resolveConfig({ flags: { controller: 'http://flag:3/' }, env: { GRAPHIUM_CONTROLLER: 'http://env:2', GRAPHIUM_TOKEN: 'from-env' }, homeDir: home }),
    ).toEqual({ controller: 'http://flag:3', token: 'from-env' });
  });

  it('finds the file through GRAPHIUM_CLI_CONFIG and XDG_CONFIG_HOME', () => {
    const named = writeConfig({ token: 'named' }, join(home, 'elsewhere', 'c.json'));
    expect(resolveConfig({ flags: {}, env: { GRAPHIUM_CLI_CONFIG: named }, homeDir: home }).token).toBe('named');
    writeConfig({ token: 'xdg' }, join(home, 'xdg', 'graphium', 'config.json'));
    expect(resolveConfig({ flags: {}, env: { XDG_CONFIG_HOME: join(home, 'xdg') }, homeDir: home }).token).toBe('xdg');
  });

  it('names the bad key and where it came from', () => {
    expect(() => resolveConfig({ flags: {}, env: { GRAPHIUM_CONTROLLER: 'localhost:8095' }, homeDir: home })).toThrow(
      'invalid setting: controller (GRAPHIUM_CONTROLLER): must be an http:// or https:// URL',
    );
    const file = writeConfig({ controler: 'http://typo' });
    expect(() => resolveConfig({ flags: {}, env: {}, homeDir: home })).toThrow(`config file ${file}: (file): Unrecognized key: "controler"`);
    expect(() => resolveConfig({ flags: { config: join(home, 'missing.json') }, env: {}, homeDir: home })).toThrow(/cannot read the config file .*missing\.json/);
  });
});

describe('readDefinition', () => {
  it('sends only the variables the compose file mentions, from the environment, with --var winning', () => {
    const path = join(home, 'docker-compose.yml');
    writeFileSync(path, 'services:\n  a:\n    image: "x:${TAG}"\n    environment: [PASSWORD]\n');
    const definition = readDefinition(path, { TAG: '1', PASSWORD: 'pw', HOME: '/root', AWS_SECRET: 'no' }, { TAG: '2' });
    expect(definition).toMatchObject({ filename: 'docker-compose.yml', contentType: 'application/yaml', variables: { TAG: '2', PASSWORD: 'pw' } });
    expect(Object.keys(definition.variables).sort()).toEqual(['PASSWORD', 'TAG']);
  });

  it('names the format by its media type', () => {
    expect(contentTypeOf('{"@graph": []}', 'stack.json')).toBe('application/ld+json');
    expect(contentTypeOf('{"@type": "ItemList", "itemListElement": []}', 'list.json')).toBe('application/json');
    expect(contentTypeOf('services: {}', 'compose.yaml')).toBe('application/yaml');
    expect(contentTypeOf('{ broken', 'x.json')).toBe('application/json');
  });
});

describe('readServerSentEvents', () => {
  it('reads frames split anywhere across chunks, skipping comments and retry lines', async () => {
    const chunks = ['retry: 3000\n\n: ping\n\nid: e1\nevent: stack_running\nda', 'ta: {"a":1}\n\nid: e2\r\nevent: x\r\ndata: 1\r\ndata: 2\r\n\r\n'];
    async function* body() {
      for (const chunk of chunks) yield new TextEncoder().encode(chunk);
    }
    const frames = [];
    for await (const frame of readServerSentEvents(body())) frames.push(frame);
    expect(frames).toEqual([
      { id: 'e1', event: 'stack_running', data: '{"a":1}' },
      { id: 'e2', event: 'x', data: '1\n2' },
    ]);
  });
});

describe('renderTable', () => {
  it('aligns columns under capitalised headers and never pads the last one', () => {
    expect(renderTable(['name', 'status'], [['web', 'running'], ['a-longer-name', 'error']])).toBe(
      'NAME           STATUS\nweb            running\na-longer-name  error\n',
    );
  });
});
