import { REGISTRATION, testApp, USER } from './support/testApp.js';

describe('task routes', () => {
  it('creates a task by hand: 201 + Location, then reads, lists, counts, cancels and retries it', async () => {
    const { request } = testApp();
    const created = await request({ method: 'POST', url: '/api/v1/tasks', token: USER, payload: { hostId: 'vm1', taskType: 'restart', containerName: 'web-nginx' } });
    expect(created.statusCode).toBe(201);
    const task = created.json();
    expect(created.headers.location).toBe(`/api/v1/tasks/${encodeURIComponent(task['@id'])}`);

    const read = await request({ method: 'GET', url: created.headers.location as string, token: USER });
    expect(read.json()).toMatchObject({ '@id': task['@id'], status: 'pending', taskType: 'restart' });

    const listed = await request({ method: 'GET', url: '/api/v1/tasks?hostId=vm1&status=pending', token: USER });
    expect(listed.json().items.map((t: { '@id': string }) => t['@id'])).toEqual([task['@id']]);

    const stats = await request({ method: 'GET', url: '/api/v1/tasks/stats', token: USER });
    expect(stats.json()).toMatchObject({ total: 1, byStatus: { pending: 1 } });

    const cancelled = await request({ method: 'POST', url: `/api/v1/tasks/${encodeURIComponent(task['@id'])}/cancel`, token: USER });
    expect(cancelled.json().status).toBe('cancelled');
    const again = await request({ method: 'POST', url: `/api/v1/tasks/${encodeURIComponent(task['@id'])}/cancel`, token: USER });
    expect(again.statusCode).toBe(409);
    const retried = await request({ method: 'POST', url: `/api/v1/tasks/${encodeURIComponent(task['@id'])}/retry`, token: USER });
    expect(retried.json().status).toBe('pending');
  });
});

describe('host routes', () => {
  it('lists and reads hosts without their agent session; drains one', async () => {
    const { request, hosts } = testApp();
    await hosts.register('vm1', { ...REGISTRATION, labels: {} });
    const list = await request({ method: 'GET', url: '/api/v1/hosts', token: USER });
    expect(list.json().items).toHaveLength(1);
    expect(list.json().items[0]).not.toHaveProperty('agentSession');
    const one = await request({ method: 'GET', url: '/api/v1/hosts/vm1', token: USER });
    expect(one.json()).toMatchObject({ hostId: 'vm1', status: 'online' });
    expect(one.json()).not.toHaveProperty('agentSession');
    const drained = await request({ method: 'POST', url: '/api/v1/hosts/vm1/drain', token: USER });
    expect(drained.json().status).toBe('draining');
    expect((await request({ method: 'POST', url: '/api/v1/hosts/nope/drain', token: USER })).statusCode).toBe(404);
  });
});
