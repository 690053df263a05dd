/** StackTasks: one store read per followed stack, feed versions merged forward only. */
import type { AgentTaskDocument, TaskStatus } from '@graphium/shared';
import { StackTasks } from '../../src/stacks/stackTasks.js';
import { task } from '../queue/tasks.js';

const version = (id: string, rev: string, status: TaskStatus, stackId = 'stack:web'): AgentTaskDocument => ({
  ...task({ id, stackId }),
  _rev: rev,
  status,
});

/** A store stand-in whose reads wait until released, so feed deliveries can land during a read. */
function slowStore(contents: Record<string, AgentTaskDocument[]>) {
  const reads: string[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const load = async (stackId: string) => {
    reads.push(stackId);
    await gate;
    return contents[stackId] ?? [];
  };
  return { reads, release: () => release(), load };
}

const statusesOf = (tasks: AgentTaskDocument[]) => Object.fromEntries(tasks.map((t) => [t['@id'], t.status]));

describe('StackTasks', () => {
  it('reads a stack once, then answers from what the feed brought', async () => {
    const store = slowStore({ 'stack:web': [version('a', '1-x', 'pending'), version('b', '1-x', 'pending')] });
    store.release();
    const tasks = new StackTasks(store.load);
    tasks.follow('stack:web');
    expect(statusesOf(await tasks.tasksOf('stack:web'))).toEqual({ a: 'pending', b: 'pending' });
    tasks.observe(version('a', '2-x', 'claimed'));
    tasks.observe(version('b', '3-x', 'completed'));
    expect(statusesOf(await tasks.tasksOf('stack:web'))).toEqual({ a: 'claimed', b: 'completed' });
    expect(store.reads).toEqual(['stack:web']);
  });

  it('keeps the newer version when the read and the feed cross, whichever lands first', async () => {
    const store = slowStore({ 'stack:web': [version('a', '2-x', 'claimed'), version('b', '1-x', 'pending')] });
    const tasks = new StackTasks(store.load);
    tasks.follow('stack:web');
    const pending = tasks.tasksOf('stack:web');
    tasks.observe(version('a', '3-x', 'completed')); // newer than the read's
    tasks.observe(version('b', '1-x', 'pending')); // the same as the read's
    tasks.observe(version('c', '1-x', 'pending')); // written after the read was taken
    store.release();
    expect(statusesOf(await pending)).toEqual({ a: 'completed', b: 'pending', c: 'pending' });
    tasks.observe(version('a', '2-x', 'claimed')); // a late, older delivery
    expect(statusesOf(await tasks.tasksOf('stack:web'))).toEqual({ a: 'completed', b: 'pending', c: 'pending' });
  });

  it('ignores stacks it does not follow, and reads a forgotten stack again when followed again', async () => {
    const store = slowStore({ 'stack:web': [version('a', '5-x', 'running')] });
    store.release();
    const tasks = new StackTasks(store.load);
    tasks.observe(version('a', '9-x', 'failed'));
    expect(tasks.size).toBe(0);
    expect(statusesOf(await tasks.tasksOf('stack:web'))).toEqual({ a: 'running' });
    tasks.forget('stack:web');
    expect(tasks.size).toBe(0);
    expect(statusesOf(await tasks.tasksOf('stack:web'))).toEqual({ a: 'running' });
    expect(store.reads).toEqual(['stack:web', 'stack:web']);
  });

  it('reads again after a failed read instead of answering an empty stack', async () => {
    let calls = 0;
    const tasks = new StackTasks(async () => {
      calls += 1;
      if (calls === 1) throw new Error('store down');
      return [version('a', '1-x', 'pending')];
    });
    await expect(tasks.tasksOf('stack:web')).rejects.toThrow('store down');
    expect(statusesOf(await tasks.tasksOf('stack:web'))).toEqual({ a: 'pending' });
  });
});
