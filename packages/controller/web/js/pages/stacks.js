/** Stacks: every stack with status, container count, hosts used and age; filter by status; live. */
import { badge, h, notice, replace, table } from '../dom.js';
import { age, debounce, stackHref } from '../format.js';
import { stacksWithState } from '../fleet.js';
import { progressBar } from '../components.js';

const STATUSES = ['pending', 'deploying', 'running', 'degraded', 'stopping', 'stopped', 'deleting', 'error'];

export function mount(root, { api, route, navigate, setTitle }) {
  setTitle('Stacks');
  const status = route.query.get('status') ?? '';
  const filter = h(
    'select',
    { id: 'status-filter', name: 'status' },
    h('option', { value: '' }, 'all'),
    STATUSES.map((s) => h('option', { value: s, selected: s === status }, s)),
  );
  filter.addEventListener('change', () => navigate(filter.value === '' ? '#/stacks' : `#/stacks?status=${encodeURIComponent(filter.value)}`));
  const body = h('div', { 'aria-live': 'polite', 'aria-busy': 'true' }, notice('loading', 'Loading stacks…'));
  replace(
    root,
    h('div', { class: 'page-head' }, h('h1', null, 'Stacks'), h('div', { class: 'toolbar' }, h('label', { for: 'status-filter' }, 'Status'), filter, h('a', { class: 'button', href: '#/deploy' }, 'Deploy a stack'))),
    body,
  );

  let items = [];
  let next;
  let disposed = false;

  async function load() {
    try {
      const page = await stacksWithState(api, { status: status || undefined, limit: 50 });
      if (disposed) return;
      items = page.items;
      next = page.next;
      draw();
    } catch (error) {
      if (disposed) return;
      body.setAttribute('aria-busy', 'false');
      replace(body, notice('error', `Could not load the stacks: ${error.message}`, h('button', { type: 'button', onclick: () => void load() }, 'Try again')));
    }
  }

  async function more() {
    const page = await stacksWithState(api, { status: status || undefined, limit: 50, cursor: next });
    items = items.concat(page.items);
    next = page.next;
    draw();
  }

  function draw() {
    body.setAttribute('aria-busy', 'false');
    if (items.length === 0) {
      replace(body, notice('empty', status === '' ? 'No stacks yet.' : `No stacks are ${status}.`, h('a', { href: '#/deploy' }, 'Deploy a stack')));
      return;
    }
    const rows = items.map(({ stack, deployment }) => {
      const hosts = [...new Set(Object.values(deployment?.placements ?? {}).filter((p) => p.status !== 'removed').map((p) => p.hostId))].sort();
      return h(
        'tr',
        { dataset: { stack: stack['@id'] } },
        h('td', null, h('a', { href: stackHref(stack['@id']) }, stack.name), stack.description ? h('div', { class: 'muted small' }, stack.description) : null),
        h('td', null, badge(stack.status), stack.errorMessage ? h('div', { class: 'text-error small' }, stack.errorMessage) : null),
        h('td', null, deployment === undefined ? '—' : progressBar(deployment.progress, `progress of ${stack.name}`)),
        h('td', { class: 'num' }, String(stack.definition.containers.length)),
        h('td', null, hosts.length === 0 ? '—' : hosts.join(', ')),
        h('td', null, stack.sourceFormat),
        h('td', { title: stack.dateCreated }, age(stack.dateCreated)),
      );
    });
    replace(
      body,
      table('Stacks', ['Name', 'Status', 'Progress', 'Containers', 'Hosts', 'Format', 'Age'], rows, { class: 'stacks-table' }),
      next === undefined ? null : h('button', { type: 'button', class: 'secondary', onclick: () => void more() }, 'Load more'),
    );
  }

  const refresh = debounce(() => void load(), 400);
  const ticker = setInterval(() => {
    if (!body.querySelector('.notice')) draw();
  }, 30_000);
  void load();
  return {
    onEvent: (event) => {
      if (event.type?.startsWith('stack_') || event.type === 'task_updated') refresh();
    },
    onReconnect: refresh,
    dispose: () => {
      disposed = true;
      refresh.cancel();
      clearInterval(ticker);
    },
  };
}
