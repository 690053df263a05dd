import type { TaskStatus } from '@graphium/shared';
import { ActiveTasks } from '../../src/queue/activeTasks.js';
import type { StoredTask } from '../../src/queue/taskDocs.js';
import { task } from './tasks.js';

const version = (id: string, rev: string, status: TaskStatus = 'pending', spec = {}): StoredTask =>
  ({ ...task({ id, ...spec }), _id: id, _rev: rev, status }) as StoredTask;

describe('ActiveTasks', () => {
  it('keeps the newest revision whatever order versions arrive in, as CouchDB picks its winner', () => {
    const active = new ActiveTasks();
    expect(active.apply(version('a', '2-aaa', 'claimed'))).toBe(true);
    expect(active.apply(version('a', '1-zzz', 'pending'))).toBe(false); // late delivery of an older one
    expect(active.apply(version('a', '2-bbb', 'claimed'))).toBe(true); // same generation, higher revision
    expect(active.apply(version('a', '2-bbb', 'claimed'))).toBe(false); // the echo of our own write
    expect(active.apply(version('a', '10-000', 'running'))).toBe(true); // generations compare as numbers
    expect(active.get('a')?._rev).toBe('10-000');
  });

  it('forgets finished tasks and ignores older versions of them arriving late', () => {
    const active = new ActiveTasks();
    active.apply(version('a', '1-x'));
    active.apply(version('a', '3-x', 'completed'));
    expect(active.get('a')).toBeUndefined();
    expect(active.apply(version('a', '2-x', 'running'))).toBe(false);
    expect(active.apply(version('a', '4-x', 'pending'))).toBe(true); // retried: unfinished again
    expect(active.size).toBe(1);
  });

  it('orders a host’s pending tasks by queue key, then id, and keeps it current', () => {
    const active = new ActiveTasks();
    active.apply(version('b', '1-x', 'pending', { taskType: 'deploy' }));
    active.apply(version('a', '1-x', 'pending', { taskType: 'deploy' }));
    active.apply(version('r', '1-x', 'pending', { taskType: 'remove' }));
    active.apply(version('other', '1-x', 'pending', { hostId: 'h2' }));
    expect(active.pendingOf('h1').map((t) => t._id)).toEqual(['r', 'a', 'b']);
    active.apply(version('r', '2-x', 'claimed', { taskType: 'remove' }));
    expect(active.pendingOf('h1').map((t) => t._id)).toEqual(['a', 'b']);
    expect(active.ofHost('h1', ['claimed']).map((t) => t._id)).toEqual(['r']);
    expect(active.held().map((t) => t._id)).toEqual(['r']);
    active.forget('a', '1-x');
    expect(active.pendingOf('h1').map((t) => t._id)).toEqual(['b']);
  });

  it('forgets only the revision found stale, not a newer one the feed brought meanwhile', () => {
    const active = new ActiveTasks();
    active.apply(version('a', '2-x', 'running'));
    active.apply(version('a', '3-x', 'running')); // a renewal arrives while a write based on 2-x is in flight
    active.forget('a', '2-x'); // that write conflicted
    expect(active.get('a')?._rev).toBe('3-x');
    active.forget('a'); // deleted
    expect(active.get('a')).toBeUndefined();
  });
});
