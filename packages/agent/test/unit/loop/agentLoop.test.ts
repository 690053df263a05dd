import { startAgent, type Harness } from '../../support/agentHarness';
import { deployTask, targetTask } from '../../support/tasks';

jest.setTimeout(20_000);

describe('agent loop against a fake controller', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('registers with the host facts, then heartbeats load, used ports and inventory', async () => {
    h = await startAgent();
    const registration = await h.controller.waitFor(() => h!.controller.registrations[0]);
    expect(registration).toMatchObject({
      address: '10.0.0.5',
      datacenter: 'dc1',
      labels: { disk: 'ssd' },
      resources: { cpus: 4, memory: 8 * 1024 ** 3 },
      dockerVersion: '24.0.0-fake',
      os: 'Fake Linux',
      arch: 'x86_64',
      agentVersion: 'test',
    });
    h.controller.enqueue(deployTask({ container: { ports: [{ containerPort: 80, hostPort: 8080, protocol: 'tcp' }] } }));
    const beat = await h.controller.waitFor(() => h!.controller.heartbeats.find((b) => (b.inventory ?? []).length > 0), 4000);
    expect(beat.agentSession).toBe(h.controller.currentSession);
    expect(beat.load).toMatchObject({ containerCount: 1, cpuPercent: expect.any(Number), memoryUsed: expect.any(Number), memoryAvailable: expect.any(Number) });
    expect(beat.usedHostPorts).toEqual([8080]);
    expect(beat.inventory).toEqual([
      expect.objectContaining({ dockerName: 'shop-web', state: 'running', stack: 'shop', container: 'web', specHash: 'hash-1', ports: [expect.objectContaining({ hostPort: 8080 })] }),
    ]);
  });

  it('claims a task, reports running with its phases, then completed with the result', async () => {
    // Progress is latest-wins: steps slower than a report round trip each show up.
    h = await startAgent({}, { delays: { createContainer: 150, startContainer: 150 } });
    const task = deployTask();
    h.controller.enqueue(task);
    const final = await h.controller.waitFor(() => h!.controller.finalReportOf(task['@id']));
    expect(final.update).toMatchObject({ status: 'completed', result: { state: 'running', containerId: expect.any(String) } });
    const phases = h.controller.reportsOf(task['@id']).filter((r) => r.update.status === 'running').map((r) => (r.update as { progress?: { phase: string } }).progress?.phase);
    expect(phases[0]).toBeUndefined(); // the first report marks it running
    expect(phases).toEqual(expect.arrayContaining(['creating', 'starting']));
    expect(await h.docker.inspectContainer('shop-web')).toMatchObject({ status: 'running' });
    expect(h.states).toEqual(expect.arrayContaining(['starting', 'polling']));
  });

  it('reports a failure with its code, retryability and logs', async () => {
    h = await startAgent();
    const task = deployTask({ container: { command: ['sh', '-c', 'echo boom; exit 3'] } });
    h.controller.enqueue(task);
    const final = await h.controller.waitFor(() => h!.controller.finalReportOf(task['@id']));
    expect(final.update).toMatchObject({ status: 'failed', error: { code: 'CONTAINER_EXITED', retryable: true, logs: ['boom'] } });
  });

  it('asks for no more than its free slots and says what it holds; never runs more than --concurrency', async () => {
    h = await startAgent({ concurrency: 2 }, { delays: { createContainer: 400 } });
    await h.controller.waitFor(() => h!.controller.claims.length > 0);
    const tasks = ['a', 'b', 'c'].map((name) => deployTask({ container: { name } }));
    tasks.forEach((t) => h!.controller.enqueue(t));
    await h.controller.waitFor(() => tasks.every((t) => h!.controller.finalReportOf(t['@id'])), 8000);
    const afterFirst = h.controller.claims.filter((c) => c.holding.length > 0);
    expect(h.controller.claims.every((c) => c.max + c.holding.length <= 2)).toBe(true);
    expect(afterFirst[0]?.holding.length).toBeGreaterThan(0);
    expect(afterFirst.flatMap((c) => c.holding)).toEqual(expect.arrayContaining([tasks[0]!['@id']]));
    expect(h.states).toContain('running'); // both slots were busy at some point
  });

  it('renews the lease while a task works, every leaseSeconds/3', async () => {
    h = await startAgent({}, { delays: { createContainer: 1200 } });
    h.controller.leaseSeconds = 1;
    await h.controller.waitFor(() => h!.controller.registrations.length > 0);
    // The lease period is given at registration: register again to pick up 1 s.
    h.controller.takeOverSession();
    await h.controller.waitFor(() => h!.controller.registrations.length > 1, 4000);
    const task = deployTask();
    h.controller.enqueue(task);
    await h.controller.waitFor(() => h!.controller.finalReportOf(task['@id']), 6000);
    const running = h.controller.reportsOf(task['@id']).filter((r) => r.update.status === 'running');
    const during = running.filter((r) => (r.update as { progress?: { phase: string } }).progress?.phase === 'creating');
    expect(during.length).toBeGreaterThanOrEqual(3); // the phase itself, then renewals about every 333 ms
  });

  it('drops the result when the lease is lost while working, and writes nothing over the new owner', async () => {
    h = await startAgent({}, { delays: { createContainer: 600 } });
    const task = deployTask();
    h.controller.enqueue(task);
    await h.controller.waitFor(() => h!.controller.reportsOf(task['@id']).length > 0);
    h.controller.revokeLease(task['@id']);
    await h.controller.waitFor(() => h!.controller.reportsOf(task['@id']).some((r) => r.status === 409), 3000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after409 = h.controller.reportsOf(task['@id']).filter((r) => r.status === 409);
    expect(after409).toHaveLength(1); // nothing more once it knows
    expect(h.controller.reportsOf(task['@id']).some((r) => r.update.status === 'completed' || r.update.status === 'failed')).toBe(false);
    expect(h.loop.holding).toEqual([]);
  });

  it('backs off while the controller answers 503, then resumes', async () => {
    h = await startAgent({ retryPolicy: { baseSeconds: 0.1, factor: 2, maxSeconds: 0.4, jitter: 0.2 } });
    await h.controller.waitFor(() => h!.controller.claims.length > 0);
    h.controller.setUnavailable(true);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // A hot loop would make hundreds of calls; the back-off (0.1, 0.2, 0.4, 0.4 …) allows a handful,
    // plus the heartbeats (1 s) and the claim that was waiting when it went down.
    expect(h.controller.unavailableHits).toBeLessThan(12);
    h.controller.setUnavailable(false);
    const task = deployTask();
    h.controller.enqueue(task);
    await h.controller.waitFor(() => h!.controller.finalReportOf(task['@id']), 4000);
  });

  it('rides out a controller that is gone: containers keep running, work resumes when it is back', async () => {
    h = await startAgent();
    const first = deployTask({ container: { name: 'kept' } });
    h.controller.enqueue(first);
    await h.controller.waitFor(() => h!.controller.finalReportOf(first['@id']));
    await h.controller.stop();
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await h.docker.inspectContainer('shop-kept')).toMatchObject({ status: 'running' });
    expect(h.docker.calls.some((c) => /^(stopContainer|removeContainer)/.test(c))).toBe(false);
    await h.controller.restart();
    const second = deployTask({ container: { name: 'later' } });
    h.controller.enqueue(second);
    await h.controller.waitFor(() => h!.controller.finalReportOf(second['@id']), 5000);
  });

  it('retries a final report through a short outage', async () => {
    h = await startAgent({}, { delays: { createContainer: 300 } });
    const task = deployTask();
    h.controller.enqueue(task);
    await h.controller.waitFor(() => h!.controller.reportsOf(task['@id']).length > 0);
    h.controller.setUnavailable(true);
    await new Promise((resolve) => setTimeout(resolve, 700));
    h.controller.setUnavailable(false);
    const final = await h.controller.waitFor(() => h!.controller.finalReportOf(task['@id']), 4000);
    expect(final.update.status).toBe('completed');
  });

  it('registers again when another agent process took over the session', async () => {
    h = await startAgent();
    await h.controller.waitFor(() => h!.controller.heartbeats.length > 0);
    h.controller.takeOverSession();
    await h.controller.waitFor(() => h!.controller.registrations.length === 2, 4000);
    const task = deployTask();
    h.controller.enqueue(task);
    await h.controller.waitFor(() => h!.controller.finalReportOf(task['@id']), 4000);
    expect(h.controller.claims.at(-1)?.agentSession).toBe(h.controller.currentSession);
    expect(h.states.filter((s) => s === 'starting').length).toBeGreaterThanOrEqual(2);
  });

  it('fails a task it cannot read permanently instead of dropping it', async () => {
    h = await startAgent();
    const task = deployTask();
    (task.payload as { containerSpec: { image?: unknown } }).containerSpec.image = 42;
    h.controller.enqueue(task);
    const final = await h.controller.waitFor(() => h!.controller.finalReportOf(task['@id']));
    expect(final.update).toMatchObject({ status: 'failed', error: { code: 'SPEC_INVALID', retryable: false } });
  });

  it('fails a task that outlives its timeout as TIMEOUT, retryable', async () => {
    h = await startAgent({}, { delays: { createContainer: 1500 } });
    const task = { ...deployTask(), timeoutSeconds: 1 };
    h.controller.enqueue(task);
    const final = await h.controller.waitFor(() => h!.controller.finalReportOf(task['@id']), 5000);
    expect(final.update).toMatchObject({ status: 'failed', error: { code: 'TIMEOUT', retryable: true } });
  });

  it('runs stop and remove tasks', async () => {
    h = await startAgent();
    const deploy = deployTask();
    h.controller.enqueue(deploy);
    await h.controller.waitFor(() => h!.controller.finalReportOf(deploy['@id']));
    const remove = targetTask('remove', 'shop-web');
    h.controller.enqueue(remove);
    const final = await h.controller.waitFor(() => h!.controller.finalReportOf(remove['@id']));
    expect(final.update).toMatchObject({ status: 'completed', result: { state: 'removed' } });
  });
});

describe('agent shutdown', () => {
  it('drain: stops claiming, lets the running task finish and report, then stops', async () => {
    const h = await startAgent({ drainTimeoutMs: 3000 }, { delays: { createContainer: 500 } });
    const task = deployTask();
    h.controller.enqueue(task);
    await h.controller.waitFor(() => h.controller.reportsOf(task['@id']).length > 0);
    // The long-poll it sent after taking the task is already out; none may follow the drain.
    await h.controller.waitFor(() => h.controller.claims.length >= 2);
    const claimsBefore = h.controller.claims.length;
    h.loop.drain();
    await h.running;
    expect(h.loop.state).toBe('stopped');
    expect(h.controller.finalReportOf(task['@id'])?.update.status).toBe('completed');
    expect(h.controller.claims.length).toBe(claimsBefore);
    expect(h.states.slice(-2)).toEqual(['draining', 'stopped']);
    await h.close();
  });

  it('drain: releases what does not finish within the drain time', async () => {
    const h = await startAgent({ drainTimeoutMs: 300 }, { delays: { createContainer: 5000 } });
    const task = deployTask();
    h.controller.enqueue(task);
    await h.controller.waitFor(() => h.controller.reportsOf(task['@id']).length > 0);
    const started = Date.now();
    h.loop.drain();
    await h.running;
    expect(Date.now() - started).toBeLessThan(2500);
    expect(h.controller.finalReportOf(task['@id'])?.update.status).toBe('released');
    await h.close();
  });
});
