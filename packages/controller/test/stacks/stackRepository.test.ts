/**
 * StackRepository on the real store: writing an operation's state over the monitor's concurrent write,
 * finding the stacks that place containers on given hosts (the `placements/by-host` view), and the placement
 * explanation kept in a document of its own (also for states an earlier version stored with it inside).
 */
import { AppError, placementExplanationOf, type ContainerExplanation, type DeploymentStateDocument } from '@graphium/shared';
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

  describe('placement explanation', () => {
    const NOW = '2026-11-22T10:00:00.000Z';
    const why = (container: string, chosen: string): ContainerExplanation => ({
      container,
      strategy: 'auto',
      hostsEvaluated: 3,
      hostsEligible: 3,
      filtered: [],
      filteredCounts: {},
      filteredOmitted: 0,
      top: [{ hostId: chosen, score: 1, terms: [{ name: 'base', value: 1 }] }],
      chosen,
      decidedBy: 'highest score',
    });
    const explanationOf = (stackId: string, generation: number, explanation: Record<string, ContainerExplanation>) =>
      placementExplanationOf({ stackId, generation, explanation, dateModified: NOW });

    it('is written over the previous generation without its revision, read back, and deleted', async () => {
      const repository = new StackRepository(await store.couch());
      await repository.saveExplanation(explanationOf('stack:x1', 1, { a: why('a', 'h1') }));
      await repository.saveExplanation(explanationOf('stack:x1', 2, { a: why('a', 'h2') }));
      expect(await repository.getExplanation('stack:x1')).toMatchObject({ generation: 2, explanation: { a: { chosen: 'h2' } } });
      await repository.deleteExplanation('stack:x1');
      expect(await repository.getExplanation('stack:x1')).toBeUndefined();
      await expect(repository.deleteExplanation('stack:x1')).resolves.toBeUndefined(); // nothing left: nothing to do
      // A deleted explanation can be written again (the stack deployed anew under the same name).
      await repository.saveExplanation(explanationOf('stack:x1', 1, { b: why('b', 'h3') }));
      expect((await repository.getExplanation('stack:x1'))?.explanation).toEqual({ b: why('b', 'h3') });
    });

    it('merges into the same generation and replaces another one', async () => {
      const repository = new StackRepository(await store.couch());
      await repository.saveExplanation(explanationOf('stack:x2', 1, { a: why('a', 'h1'), b: why('b', 'h1') }));
      await repository.mergeExplanation(explanationOf('stack:x2', 1, { a: why('a', 'h3') }));
      expect((await repository.getExplanation('stack:x2'))?.explanation).toEqual({ a: why('a', 'h3'), b: why('b', 'h1') });
      await repository.mergeExplanation(explanationOf('stack:x2', 2, { c: why('c', 'h2') }));
      expect(await repository.getExplanation('stack:x2')).toMatchObject({ generation: 2, explanation: { c: why('c', 'h2') } });
      expect((await repository.getExplanation('stack:x2'))?.explanation.a).toBeUndefined();
    });

    it('a state stored with its explanation inside keeps it when read and written again', async () => {
      const couch = await store.couch();
      const repository = new StackRepository(couch);
      const { state } = await saved(repository, 'legacy', { a: 'h1', b: 'h2' });
      // As an earlier version stored it: the explanation inside the state.
      const inside = { a: why('a', 'h1'), b: why('b', 'h2') };
      await couch.db.stacks.insert({ ...(state as Record<string, unknown>), explanation: inside });
      const read = (await repository.getState(state.stackId)) as DeploymentStateDocument;
      expect(read).not.toHaveProperty('explanation');
      // The read wrote the state back without it (later reads need not look again) …
      expect(await couch.db.stacks.get(state['@id'])).not.toHaveProperty('explanation');
      // … answering its new revision, so the monitor's next write goes through …
      await repository.save({ ...read, progress: 50 });
      // … and nothing is lost.
      expect(await repository.getExplanation(state.stackId)).toMatchObject({ generation: state.generation, explanation: inside });
    });

    it('reading a state with an old explanation inside never replaces a newer explanation document', async () => {
      const couch = await store.couch();
      const repository = new StackRepository(couch);
      const { state } = await saved(repository, 'both', { a: 'h1' });
      await repository.saveExplanation(explanationOf(state.stackId, state.generation, { a: why('a', 'h3') }));
      await couch.db.stacks.insert({ ...(state as Record<string, unknown>), explanation: { a: why('a', 'h1') } });
      await repository.getState(state.stackId);
      expect((await repository.getExplanation(state.stackId))?.explanation).toEqual({ a: why('a', 'h3') });
    });
  });
});
