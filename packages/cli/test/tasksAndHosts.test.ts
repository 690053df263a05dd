/**
 * `graphium host …` and `graphium task …` against a real controller. The host "idle" is registered but its
 * agent never claims, so the tasks placed there stay pending for ls, stats, cancel and retry to act on.
 */
import { join } from 'node:path';
import { Harness } from './support/harness.js';

// Real processes and a real store on a shared machine: allow for a slow moment, not only the happy path's pace.
jest.setTimeout(60_000);

let h: Harness;
const taskId = 'task:stack:parked:1:waiter:deploy';

beforeAll(async () => {
  h = await Harness.start([
    { hostId: 'idle', address: '10.0.1.1', active: false },
    { hostId: 'spare', address: '10.0.1.2', active: false },
  ]);
  const deployed = await h.cli(['stack', 'deploy', join(__dirname, 'fixtures', 'parked.jsonld')]);
  expect(deployed.code).toBe(0);
});

afterAll(async () => {
  await h.close();
});

describe('host', () => {
  it('ls shows every host with status, address and load', async () => {
    const result = await h.cli(['host', 'ls']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^HOST +STATUS +ADDRESS +DATACENTER +CPUS +MEMORY +CPU +MEM USED +CONTAINERS +LAST SEEN +LABELS$/m);
    expect(result.stdout).toMatch(/^idle +online +10\.0\.1\.1 +dc1 +4 +8\.0 GiB +5% +1\.0 GiB +0 +\d+s ago +-$/m);
    expect(result.stdout).toMatch(/^spare +online +10\.0\.1\.2 /m);
  });

  it('drain stops placements on a host; ls and plan show it', async () => {
    const drained = await h.cli(['host', 'drain', 'spare']);
    expect(drained.code).toBe(0);
    expect(drained.stdout).toMatch(/^host spare is draining: no new containers/);
    expect((await h.cli(['host', 'ls'])).stdout).toMatch(/^spare +draining /m);
    const plan = await h.cli(['stack', 'plan', join(__dirname, 'fixtures', 'web.jsonld')]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^front +idle +10\.0\.1\.1 /m);
    expect(plan.stdout).toMatch(/^ {4}spare +filtered \(offline\) +\S/m);
  });

  it('drain of an unknown host is a 404', async () => {
    const result = await h.cli(['host', 'drain', 'ghost']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: .*ghost.* \(HTTP 404 NOT_FOUND\)$/m);
  });
});

describe('task', () => {
  it('ls filters by host and status', async () => {
    const pending = await h.cli(['task', 'ls', '--host', 'idle', '--status', 'pending']);
    expect(pending.code).toBe(0);
    expect(pending.stdout).toMatch(/^TASK +TYPE +STATUS +HOST +CONTAINER +ATTEMPT +CREATED +DETAIL$/m);
    expect(pending.stdout).toContain(`${taskId}  deploy  pending  idle  waiter`);
    const none = await h.cli(['task', 'ls', '--host', 'spare']);
    expect(none.stdout).toBe('no tasks\n');
  });

  it('ls refuses a status that does not exist, as a usage error', async () => {
    const result = await h.cli(['task', 'ls', '--status', 'lost']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--status must be one of pending, claimed, running, completed, failed, cancelled');
  });

  it('stats counts by status, type and host', async () => {
    const result = await h.cli(['task', 'stats']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^total 1$/m);
    expect(result.stdout).toMatch(/^by status: pending 1, claimed 0, running 0, completed 0, failed 0, cancelled 0$/m);
    expect(result.stdout).toMatch(/^idle +1 +0 +0 +0 +0 +0$/m);
    const json = JSON.parse((await h.cli(['task', 'stats', '--json'])).stdout) as { total: number };
    expect(json.total).toBe(1);
  });

  it('cancel, then retry, move the task and say so', async () => {
    const cancelled = await h.cli(['task', 'cancel', taskId]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`^task ${taskId} cancelled: cancelled`));
    expect((await h.cli(['task', 'ls', '--status', 'cancelled'])).stdout).toContain(taskId);

    const retried = await h.cli(['task', 'retry', taskId]);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(new RegExp(`^task ${taskId} queued again: pending`));
  });

  it('cancel of an unknown task is a 404', async () => {
    const result = await h.cli(['task', 'cancel', 'task:nope']);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('error: no task task:nope (HTTP 404 NOT_FOUND)\n');
  });
});
