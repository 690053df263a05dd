import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// The skeleton must say plainly that it is not built yet, never pretend to serve.
it('controller serve reports that the server is not built yet', () => {
  const tsx = join(__dirname, '../../../node_modules/.bin/tsx');
  const result = spawnSync(tsx, [join(__dirname, '../src/main.ts'), 'serve'], { encoding: 'utf8' });
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('not built yet');
});
