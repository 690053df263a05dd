/**
 * `graphium stack …` against a real controller over real HTTP, with fake agents on three hosts: every
 * format deploys and `--wait` follows it to running; a container whose agent reports a failure fails the
 * wait with that container's error; plan, ls, status, stop, start and rm behave as the API says.
 */
import { join } from 'node:path';
import { STACK_SUBMISSION_TYPE } from '@graphium/shared';
import { failBad } from './support/failures.js';
import { Harness } from './support/harness.js';

const fixture = (name: string) => join(__dirname, 'fixtures', name);

// Real processes and a real store on a shared machine: allow for a slow moment, not only the happy path's pace.
jest.setTimeout(60_000);

let h: Harness;

beforeAll(async () => {
  h = await Harness.start([
    { hostId: 'vm1', address: '10.0.0.1', decide: failBad },
    { hostId: 'vm2', address: '10.0.0.2', decide: failBad },
    { hostId: 'vm3', address: '10.0.0.3', decide: failBad },
  ]);
});

afterAll(async () => {
  await h.close();
});

interface StackState {
  stack: { status: string; definition: { containers: Array<{ name: string; image: string; environment: Record<string, string> }> } };
  deployment: { placements: Record<string, { hostId: string; status: string }> };
}

async function stackState(name: string): Promise<StackState> {
  const { status, body } = await h.api('GET', `/api/v1/stacks/${name}`);
  expect(status).toBe(200);
  return body as StackState;
}

describe('stack deploy', () => {
  it('deploys JSON-LD and --wait follows it to running, container by container', async () => {
    const result = await h.cli(['stack', 'deploy', fixture('web.jsonld'), '--wait', '--timeout', '30']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^deploying stack web \(generation 1\)$/m);
    expect(result.stdout).toMatch(/^ {2}front on vm\d: running$/m);
    expect(result.stdout).toMatch(/^ {2}back on vm\d: running$/m);
    expect(result.stdout).toMatch(/stack web is running\n$/);
    const state = await stackState('web');
    expect(state.stack.status).toBe('running');
    expect(Object.values(state.deployment.placements).map((p) => p.status)).toEqual(['running', 'running']);
  });

  it('deploys an EVE ItemList', async () => {
    const result = await h.cli(['stack', 'deploy', fixture('shop.eve.json'), '--wait', '--timeout', '30']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/stack eve-shop is running/);
    expect((await stackState('eve-shop')).stack.status).toBe('running');
  });

  it('deploys compose with ${VAR}s from the environment, and --var wins over it', async () => {
    const env = { APP_TAG: '1.36', GREETING: 'hello', MODE: 'loud', UNRELATED_SECRET: 's3cr3t' };
    const result = await h.cli(['stack', 'deploy', fixture('docker-compose.yml'), '--wait', '--timeout', '30', '--var', 'MODE=quiet'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [app] = (await stackState('composed')).stack.definition.containers;
    expect(app?.image).toBe('busybox:1.36');
    expect(app?.environment).toEqual({ GREETING: 'hello', MODE: 'quiet' });
  });

  it('without the variable, the controller refuses the compose file with the path of the ${VAR}', async () => {
    const result = await h.cli(['stack', 'deploy', fixture('docker-compose.yml')], { GREETING: 'hi' });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('(HTTP 422 VALIDATION_FAILED)');
    expect(result.stderr).toMatch(/^ {2}services\.app\.image: variable "APP_TAG" is not set/m);
  });

  it('refuses an invalid definition with every issue at its field path (422), deploying nothing', async () => {
    const result = await h.cli(['stack', 'deploy', fixture('invalid.jsonld')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: .*\(HTTP 422 VALIDATION_FAILED\)$/m);
    expect(result.stderr).toMatch(/^ {2}hasPart\[0\]\.image: /m);
    expect(result.stderr).toMatch(/^ {2}hasPart\[1\]\.ports\[0\]\.hostPort: host port 70000 is not in 1\.\.65535$/m);
    expect((await h.api('GET', '/api/v1/stacks/invalid')).status).toBe(404);
  });

  it('--wait fails with exit 1 and the failing container\'s error and logs', async () => {
    const result = await h.cli(['stack', 'deploy', fixture('broken.jsonld'), '--wait', '--timeout', '30']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ {2}bad on vm\d: failed: IMAGE_NOT_FOUND: image busybox:no-such-tag not found$/m);
    expect(result.stderr).toMatch(/^error: container "bad" on host "vm\d" failed: IMAGE_NOT_FOUND: image busybox:no-such-tag not found$/m);
    expect(result.stderr).toContain('    manifest unknown');
    expect((await stackState('broken')).stack.status).toBe('error');
  });

  it('redraws bars in place on a terminal', async () => {
    const result = await h.cli(['stack', 'deploy', fixture('web.jsonld'), '--wait', '--timeout', '30'], {}, true);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/stack web {2}running {2}█{30} 100%/);
    expect(result.stdout).toMatch(/ {2}front +vm\d +running +█{20}/);
  });

  it('--json --wait prints the final stack view as JSON on stdout', async () => {
    const result = await h.cli(['--json', 'stack', 'deploy', fixture('shop.eve.json'), '--wait', '--timeout', '30']);
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout) as { stack: { name: string; status: string; generation: number } };
    expect(view.stack).toMatchObject({ name: 'eve-shop', status: 'running', generation: 2 });
  });
});

describe('the StackSubmission body the CLI sends when a compose file needs variables', () => {
  async function submit(body: string) {
    const response = await fetch(`${h.url}/api/v1/stacks/plan`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': STACK_SUBMISSION_TYPE },
      body,
    });
    return { status: response.status, body: (await response.json()) as { error?: { code: string; details?: { errors: Array<{ path: string }> } } } };
  }

  it('is planned with its variables', async () => {
    const definition = 'name: sub\nservices:\n  a:\n    image: "busybox:${T}"\n';
    const answer = await submit(JSON.stringify({ definition, variables: { T: '1.36' } }));
    expect(answer.status).toBe(200);
  });

  it('is refused with the path of a bad field (422), or as malformed JSON (400)', async () => {
    const bad = await submit(JSON.stringify({ definition: 'services: {}', variables: { 'not-a-name': 'x' } }));
    expect(bad.status).toBe(422);
    expect(bad.body.error?.details?.errors.map((e) => e.path)).toEqual(['variables.not-a-name']);
    expect((await submit('{not json')).status).toBe(400);
  });
});

describe('stack plan', () => {
  it('prints the placement table with scores, and each host\'s terms', async () => {
    const result = await h.cli(['stack', 'plan', fixture('web.jsonld')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^stack web \(jsonld\), strategy spread: nothing deployed$/m);
    expect(result.stdout).toMatch(/^CONTAINER +HOST +ADDRESS +SCORE +ELIGIBLE +DECIDED BY$/m);
    expect(result.stdout).toMatch(/^front +vm\d +10\.0\.0\.\d +-?\d+(\.\d)? +3\/3 +\S/m);
    expect(result.stdout).toMatch(/^ {2}front:$/m);
    expect(result.stdout).toMatch(/^ {4}vm\d +-?\d+(\.\d)? +\w/m);
  });

  it('--json prints the API\'s preview', async () => {
    const result = await h.cli(['stack', 'plan', fixture('web.jsonld'), '--json']);
    expect(result.code).toBe(0);
    const preview = JSON.parse(result.stdout) as { stackId: string; placements: Record<string, { hostId: string }> };
    expect(preview.stackId).toBe('stack:web');
    expect(Object.keys(preview.placements).sort()).toEqual(['back', 'front']);
  });
});

describe('stack ls, status, stop, start, rm', () => {
  it('lists stacks with their status', async () => {
    const result = await h.cli(['stack', 'ls']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^NAME +STATUS +GEN +CONTAINERS +FORMAT +UPDATED +ERROR$/m);
    expect(result.stdout).toMatch(/^web +running +2 +2 +jsonld +\d+s ago +-$/m);
    expect(result.stdout).toMatch(/^broken +error +1 +2 +jsonld /m);
  });

  it('shows one stack by its bare name or its id', async () => {
    const byName = await h.cli(['stack', 'status', 'web']);
    expect(byName.code).toBe(0);
    const [viewByName, viewById] = await Promise.all(['web', 'stack:web'].map((id) => h.cli(['stack', 'status', id, '--json'])));
    expect(JSON.parse(viewById!.stdout)).toEqual(JSON.parse(viewByName!.stdout));
    expect(JSON.parse(viewByName!.stdout)).toMatchObject({ stack: { '@id': 'stack:web', status: 'running' } });
    expect(byName.stdout).toMatch(/^stack {7}web \(stack:web\)$/m);
    expect(byName.stdout).toMatch(/^front +vm\d +10\.0\.0\.\d +running +32768->80\/tcp +c-front +-$/m);
  });

  it('an unknown stack is a 404 with the API\'s message', async () => {
    const result = await h.cli(['stack', 'status', 'nope']);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('error: no stack stack:nope (HTTP 404 NOT_FOUND)\n');
  });

  it('stop --wait and start --wait move the stack to stopped and back to running', async () => {
    const stopped = await h.cli(['stack', 'stop', 'web', '--wait', '--timeout', '30']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/stack web is stopped\n$/);
    expect((await stackState('web')).stack.status).toBe('stopped');

    const again = await h.cli(['stack', 'stop', 'web']);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('cannot stop stack "web" while it is stopped (HTTP 409 CONFLICT)');

    const started = await h.cli(['stack', 'start', 'web', '--wait', '--timeout', '30']);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/stack web is running\n$/);
  });

  it('rm --wait returns once the stack is gone', async () => {
    const result = await h.cli(['stack', 'rm', 'web', '--wait', '--timeout', '30']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/stack stack:web deleted\n$/);
    expect((await h.api('GET', '/api/v1/stacks/web')).status).toBe(404);
  });

  it('rm without --wait answers at once with the stack deleting', async () => {
    const result = await h.cli(['stack', 'rm', 'eve-shop']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('removing stack eve-shop: deleting\n');
  });
});
