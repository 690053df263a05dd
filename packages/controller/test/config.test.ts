import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@graphium/shared';
import { loadConfig } from '../src/config.js';

const made: string[] = [];

/** A controller.json with `contents` in a fresh directory, removed after the test. */
function configFile(contents: unknown): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'graphium-config-'));
  made.push(dir);
  const file = join(dir, 'controller.json');
  writeFileSync(file, JSON.stringify(contents));
  return { dir, file };
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    expect(loadConfig({ env: {}, flags: {} })).toMatchObject({ port: 8095, dataDir: '.graphium/data', leaseSeconds: 60 });
  });

  it('layers defaults < file < env < flags', () => {
    const { file } = configFile({ port: 1000, dataDir: '/from/file', leaseSeconds: 90 });
    const config = loadConfig({ file, env: { GRAPHIUM_PORT: '2000', GRAPHIUM_DATA_DIR: '/from/env' }, flags: { port: 3000 } });
    expect(config).toMatchObject({ port: 3000, dataDir: '/from/env', leaseSeconds: 90 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names the bad key', () => {
    expect(() => loadConfig({ env: { GRAPHIUM_PORT: 'eighty' }, flags: {} })).toThrow(/port:/);
    expect(() => loadConfig({ env: { COUCHDB_URL: 'not a url' }, flags: {} })).toThrow(/couchdbUrl:/);
    expect(() => loadConfig({ env: {}, flags: { dbPrefix: 'Bad' } })).toThrow(AppError);
  });

  it('reads metricsRequireToken as a real boolean: "false" from the environment stays false', () => {
    expect(loadConfig({ env: {}, flags: {} }).metricsRequireToken).toBe(false);
    expect(loadConfig({ env: { GRAPHIUM_METRICS_REQUIRE_TOKEN: 'false' }, flags: {} }).metricsRequireToken).toBe(false);
    expect(loadConfig({ env: { GRAPHIUM_METRICS_REQUIRE_TOKEN: 'true' }, flags: {} }).metricsRequireToken).toBe(true);
    expect(() => loadConfig({ env: { GRAPHIUM_METRICS_REQUIRE_TOKEN: 'maybe' }, flags: {} })).toThrow(/metricsRequireToken:/);
  });

  it('has failover on by default; the environment, a flag or the file turn it off; a bad value names the key', () => {
    expect(loadConfig({ env: {}, flags: {} }).failover).toBe(true);
    expect(loadConfig({ env: { GRAPHIUM_FAILOVER: 'false' }, flags: {} }).failover).toBe(false);
    expect(loadConfig({ env: { GRAPHIUM_FAILOVER: 'on' }, flags: { failover: 'off' } }).failover).toBe(false);
    const { file } = configFile({ failover: false });
    expect(loadConfig({ file, env: {}, flags: {} }).failover).toBe(false);
    expect(() => loadConfig({ env: { GRAPHIUM_FAILOVER: 'sometimes' }, flags: {} })).toThrow(/failover:/);
  });

  it('refuses unknown keys in the file and unreadable files', () => {
    const { dir, file } = configFile({ prot: 1 });
    expect(() => loadConfig({ file, env: {}, flags: {} })).toThrow(/prot/);
    expect(() => loadConfig({ file: join(dir, 'missing.json'), env: {}, flags: {} })).toThrow(/cannot be read/);
  });
});
