#!/usr/bin/env node
// The README's two commands land here (`npm start`, `npm test`), so a fresh machine with Node and npm but
// no pnpm needs nothing else: this script finds or fetches the pinned pnpm, installs from the lockfile,
// builds, and then starts Graphium or runs every test tier.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = packageManager.replace(/^pnpm@/, '');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function must(command, args, options) {
  const status = run(command, args, options);
  if (status !== 0) {
    console.error(`\n✗ ${command} ${args.join(' ')} exited with ${status}`);
    process.exit(status);
  }
}

/** The pinned pnpm: the one on PATH when its version matches, else the same version through npx. */
function pnpmCommand() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === pnpmVersion) return ['pnpm', []];
  return ['npx', ['--yes', `pnpm@${pnpmVersion}`]];
}

function pnpm(args) {
  const [command, prefix] = pnpmCommand();
  must(command, [...prefix, ...args]);
}

function prepare() {
  pnpm(['install', '--frozen-lockfile', '--prefer-offline']);
  pnpm(['exec', 'tsc', '-b']);
}

function test() {
  prepare();
  pnpm(['exec', 'eslint', '.']);
  // Benchmarks and test helpers outside the packages' build are type-checked too.
  for (const project of ['packages/shared/bench', 'packages/controller/bench', 'packages/agent/test', 'packages/cli/test', 'e2e']) {
    pnpm(['exec', 'tsc', '-p', project, '--noEmit']);
  }
  // The Docker-tier tests run against real dockerd test hosts; bring them up (installing Docker from Debian's
  // packages when missing) before jest, so a slow install is not charged to a test's timeout.
  must('bash', [join(root, 'scripts/testHosts/up.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const reportDir = join(root, '.graphium', 'test');
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  const report = join(reportDir, 'jest.json');
  const [command, prefix] = pnpmCommand();
  // One test file at a time: the Docker-tier and end-to-end files share the dockerd test hosts and clean up
  // Graphium's containers there, so two files at once on a many-core machine would disturb each other.
  const status = run(command, [...prefix, 'exec', 'jest', '--ci', '--runInBand', '--json', `--outputFile=${report}`]);
  let summary;
  try {
    summary = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    console.error('✗ jest wrote no report');
    process.exit(status || 1);
  }
  const failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
  // One plain closing line that any CI reader understands.
  console.log(`\ntests: ${summary.numPassedTests} passed, ${failed} failed, ${summary.numPendingTests} skipped`);
  if (summary.numTotalTests === 0) {
    console.error('✗ no test ran');
    process.exit(1);
  }
  process.exit(status === 0 && failed === 0 ? 0 : 1);
}

async function start() {
  prepare();
  // The controller plus, when Docker answers, a local agent (scripts/start.mjs).
  const { runStart } = await import('./start.mjs');
  await runStart(process.argv.slice(3));
}

function bench(name) {
  const scripts = { placement: 'packages/shared/bench/placement.ts' };
  const script = scripts[name];
  if (!script) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(scripts).join(', ')}`);
    process.exit(2);
  }
  prepare();
  pnpm(['exec', 'tsx', script, ...process.argv.slice(4)]);
}

const [, , command, arg] = process.argv;
switch (command) {
  case 'test':
    test();
    break;
  case 'start':
    await start();
    break;
  case 'bench':
    bench(arg);
    break;
  default:
    console.error('usage: node scripts/graphium.mjs test | start [controller flags] | bench NAME');
    process.exit(2);
}
