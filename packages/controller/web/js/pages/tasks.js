/** Tasks: the queue with filters (host, status, type), priorities, attempts, leases, statistics; Retry / Cancel. */
import { badge, confirmAction, h, notice, replace, table } from '../dom.js';
import { age, dateTime, debounce, stackHref, stackName } from '../format.js';
import { errorBlock, shortId } from '../components.js';

const STATUSES = ['pending', 'claimed', 'running', 'completed', 'failed', 'cancelled'];
const TYPES = ['deploy', 'stop', 'start', 'restart', 'remove'];
const CANCELLABLE = ['pending', 'claimed', 'running'];
const RETRYABLE = ['failed', 'cancelled'];

export function mount(root, { api, route, navigate, setTitle }) {
  setTitle('Tasks');
  const filters = { hostId: route.query.get('hostId') ?? '', status: route.query.get('status') ?? '', taskType: route.query.get('taskType') ?? '' };
  const select = (id, label, options, value) => [
    h('label', { for: id }, label),
    h('select', { id, name: id, onchange: (e) => apply(id, e.target.value) }, h('option', { value: '' }, 'all'), options.map((o) => h('option', { value: o, selected: o === value }, o))),
  ];
  const hostSelect = h('select', { id: 'hostId', name: 'hostId', onchange: (e) => apply('hostId', e.target.value) }, h('option', { value: '' }, 'all'), filters.hostId ? h('option', { value: filters.hostId, selected: true }, filters.hostId) : null);
  const stats = h('section', { 'aria-labelledby': 'stats-title', class: 'stats' });
  const status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  const list = h('section', { 'aria-label': 'Task list', 'aria-busy': 'true' }, notice('loading', 'Loading tasks…'));
  replace(
    root,
    h('div', { class: 'page-head' }, h('h1', null, 'Tasks'), h('div', { class: 'toolbar wrap', role: 'search' }, h('label', { for: 'hostId' }, 'Host'), hostSelect, select('status', 'Status', STATUSES, filters.status), select('taskType', 'Type', TYPES, filters.taskType))),
    stats,
    status,
    list,
  );

  function apply(key, value) {
    const next = { ...filters, [key]: value };
    const query = new URLSearchParams(Object.entries(next).filter(([, v]) => v !== ''));
    navigate(`#/tasks${query.size > 0 ? `?${query}` : ''}`);
  }

  let items = [];
  let next;
  let disposed = false;

  async function load() {
    try {
      const query = { ...filters, limit: 100 };
      const [page, stat, hosts] = await Promise.all([api.listTasks(query), api.taskStats(), api.listHosts()]);
      if (disposed) return;
      items = page.items;
      next = page.next;
      drawStats(stat);
      for (const host of hosts.items) {
        if (![...hostSelect.options].some((o) => o.value === host.hostId)) hostSelect.append(h('option', { value: host.hostId }, host.hostId));
      }
      draw();
    } catch (error) {
      if (disposed) return;
      list.setAttribute('aria-busy', 'false');
      replace(list, notice('error', `Could not load the tasks: ${error.message}`, h('button', { type: 'button', onclick: () => void load() }, 'Try again')));
    }
  }

  async function more() {
    const page = await api.listTasks({ ...filters, limit: 100, cursor: next });
    items = items.concat(page.items);
    next = page.next;
    draw();
  }

  function drawStats(stat) {
    const counts = (record) => h('ul', { class: 'chips' }, Object.entries(record).filter(([, n]) => n > 0).map(([k, n]) => h('li', { class: `status-${k}` }, `${k} ${n}`)));
    const hostRows = Object.entries(stat.byHost).sort((a, b) => a[0].localeCompare(b[0])).map(([host, c]) => [host, ...STATUSES.map((s) => String(c[s] ?? 0))]);
    replace(
      stats,
      h('h2', { id: 'stats-title' }, `Statistics · ${stat.total} task${stat.total === 1 ? '' : 's'}`),
      h('div', { class: 'stat-line' }, h('span', { class: 'muted' }, 'by status '), counts(stat.byStatus)),
      h('div', { class: 'stat-line' }, h('span', { class: 'muted' }, 'by type '), counts(stat.byType)),
      hostRows.length === 0 ? null : h('details', null, h('summary', null, 'by host'), table('Tasks by host', ['Host', ...STATUSES], hostRows)),
    );
  }

  function draw() {
    list.setAttribute('aria-busy', 'false');
    if (items.length === 0) {
      replace(list, notice('empty', Object.values(filters).some((v) => v !== '') ? 'No task matches these filters.' : 'The queue is empty.'));
      return;
    }
    const rows = items.map((t) =>
      h(
        'tr',
        { dataset: { task: t['@id'], status: t.status } },
        h('td', null, shortId(t['@id'], 28)),
        h('td', null, t.taskType),
        h('td', null, t.containerName),
        h('td', null, t.stackId ? h('a', { href: stackHref(t.stackId) }, stackName(t.stackId)) : '—'),
        h('td', null, t.hostId),
        h('td', null, badge(t.status), t.progress ? h('div', { class: 'small muted' }, t.progress.phase) : null),
        h('td', { class: 'num' }, String(t.priority)),
        h('td', { class: 'num' }, `${t.attempt}/${t.maxAttempts}`),
        h('td', null, lease(t)),
        h('td', { title: dateTime(t.dateCreated) }, `${age(t.dateCreated)} ago`),
        h('td', null, t.error ? errorBlock(t.error) : t.notBefore ? h('span', { class: 'small' }, `retry after ${dateTime(t.notBefore)}`) : '—'),
        h(
          'td',
          { class: 'actions-cell' },
          RETRYABLE.includes(t.status) ? h('button', { type: 'button', class: 'secondary small', onclick: () => void act(t, 'retry') }, 'Retry') : null,
          CANCELLABLE.includes(t.status) ? h('button', { type: 'button', class: 'danger small', onclick: () => void act(t, 'cancel') }, 'Cancel') : null,
        ),
      ),
    );
    replace(
      list,
      table('Tasks', ['Task', 'Type', 'Container', 'Stack', 'Host', 'Status', 'Priority', 'Attempts', 'Lease', 'Created', 'Error', ''], rows, { class: 'tasks-table' }),
      next === undefined ? null : h('button', { type: 'button', class: 'secondary', onclick: () => void more() }, 'Load more'),
    );
  }

  async function act(task, action) {
    if (action === 'cancel' && !(await confirmAction('Cancel this task?', `${task.taskType} ${task.containerName} on ${task.hostId} will not run (or will be abandoned if it is running).`, 'Cancel task'))) return;
    try {
      await api.taskAction(task['@id'], action);
      status.textContent = `${action === 'retry' ? 'Retried' : 'Cancelled'} ${task.taskType} ${task.containerName}.`;
    } catch (error) {
      status.textContent = `${action === 'retry' ? 'Retry' : 'Cancel'} failed: ${error.message}`;
    }
    void load();
  }

  const refresh = debounce(() => void load(), 600);
  void load();
  return {
    onEvent: (event) => {
      if (event.type === 'task_updated' || event.type === 'task_created' || event.type?.startsWith('stack_')) refresh();
    },
    onReconnect: refresh,
    dispose: () => {
      disposed = true;
      refresh.cancel();
    },
  };
}

function lease(task) {
  if (task.lease === undefined) return h('span', { class: 'muted' }, '—');
  const seconds = Math.round((Date.parse(task.lease.expiresAt) - Date.now()) / 1000);
  return h('span', { title: `session ${task.lease.agentSession}, expires ${dateTime(task.lease.expiresAt)}` }, seconds >= 0 ? `expires in ${seconds}s` : `expired ${-seconds}s ago`);
}
