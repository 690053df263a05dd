/**
 * StackRepository on the real store: writing an operation's state over the monitor's concurrent write, and
 * finding the stacks that place containers on given hosts (the `placements/by-host` view).
 */
import { AppError } from '@graphium/shared';
import { StackRepository } from '../../src/stacks/stackRepository.js';
import { deployed, host, stackSpec } from './failoverFixtures.js';
import { useTestStore } from '../support/store.js';

const store = useTestStore();
const fleet = [host('h1'), host('h2'), host('h3')];

async function saved(repository: StackRepository, name: string, layout: Record<string, string>) {
  const spec = stackSpec(name, { placementStrategy: 'auto' }, Object.keys(layout).map((c) => ({ name: c })));
  const { stack, state } = deployed(spec, layout, fleet);
  const { _rev: _s, ...newStack } = stack;
  const { _rev: _t, ...newState } = state;
  return { stack: await repository.save(newStack), state: await repository.save(newState) };
}

describe(`StackRepository (${store.kind})`, () => {
  it('saveStateFor writes over a concurrent state write while the stack still names the operation', async () => {
    const repository = new StackRepository(await store.couch());
    const { stack, state } = await saved(repository, 'one', { a: 'h1' });
    const next = await repository.save({ ...stack, operation: 1, status: 'deploying' });
    // The monitor writes the state in between (progress of the operation before).
    await repository.save({ ...state, progress: 50 });
    const written = await repository.saveStateFor(next, { ...state, status: 'deploying', progress: 0 });
    expect(await repository.getState(stack['@id'])).toMatchObject({ _rev: written._rev, status: 'deploying', progress: 0 });
  });

  it('saveStateFor refuses once the stack moved on to another operation', async () => {
    const repository = new StackRepository(await store.couch());
    const { stack, state } = await saved(repository, 'two', { a: 'h1' });
    const mine = await repository.save({ ...stack, operation: 1 });
    await repository.save({ ...mine, operation: 2 });
    await repository.save({ ...state, progress: 50 });
    const refused = await repository.saveStateFor(mine, { ...state, progress: 0 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('CONFLICT');
    expect((await repository.getState(stack['@id']))?.progress).toBe(50);
  });

  it('stacksOnHosts answers the stacks with a container (not removed) on any of the hosts, each once', async () => {
    const repository = new StackRepository(await store.couch());
    await saved(repository, 'ab', { a: 'h1', b: 'h2' });
    await saved(repository, 'c', { c: 'h2' });
    const { state } = await saved(repository, 'gone', { d: 'h3' });
    await repository.save({ ...state, placements: { d: { ...state.placements.d!, status: 'removed' } } });
    expect(await repository.stacksOnHosts(['h1', 'h2'])).toEqual(['stack:ab', 'stack:c']);
    expect(await repository.stacksOnHosts(['h1'])).toEqual(['stack:ab']);
    expect(await repository.stacksOnHosts(['h3', 'h9'])).toEqual([]);
    expect(await repository.stacksOnHosts([])).toEqual([]);
  });
});
