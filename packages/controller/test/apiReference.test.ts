/**
 * docs/api.md is generated from the controller's OpenAPI document by scripts/apiReference.mjs. This test fails
 * when a route or schema changed and the reference was not regenerated. The script reads the built packages,
 * which `npm test` builds before running jest; a build older than the sources fails here with the fix.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const script = join(root, 'scripts/apiReference.mjs');
const REGENERATE = 'pnpm exec tsc -b && node scripts/apiReference.mjs';

/** Newest modification time of the .ts files under `dir`. */
function newestSource(dir: string): { file: string; mtimeMs: number } {
  let newest = { file: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory() ? newestSource(path) : entry.name.endsWith('.ts') ? { file: path, mtimeMs: statSync(path).mtimeMs } : undefined;
    if (candidate !== undefined && candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}

function buildTime(pkg: string): number {
  try {
    return statSync(join(root, 'packages', pkg, 'dist/.tsbuildinfo')).mtimeMs;
  } catch {
    return 0;
  }
}

describe('docs/api.md', () => {
  it('is built from current sources (the generator reads packages/*/dist)', () => {
    for (const pkg of ['shared', 'controller']) {
      const newest = newestSource(join(root, 'packages', pkg, 'src'));
      if (newest.mtimeMs > buildTime(pkg)) {
        throw new Error(`packages/${pkg}/dist is older than ${newest.file}: build first (pnpm exec tsc -b), then rerun`);
      }
    }
  });

  it('matches the OpenAPI document', () => {
    const result = spawnSync(process.execPath, [script, '--check'], { cwd: root, encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`${result.stderr || result.stdout}\n(regenerate with: ${REGENERATE}, then commit docs/api.md)`);
    }
  });
});
