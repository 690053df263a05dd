/**
 * One stack: placements by host with each container's progress (pending → pulling → starting → healthy, or
 * failed with its error and last log lines), its tasks, the placement explanation and the events timeline.
 * Stop / Start / Delete ask first; a delete shows containers going away host by host until the stack is gone.
 *
 * Events trigger a re-read of the stack (the deployment state is the truth); the stack monitor writes the
 * state a moment after the task event, so each burst is read twice, and an unsettled stack is also re-read
 * every few seconds in case an event was lost.
 */
import { badge, confirmAction, h, notice, replace, table } from '../dom.js';
import { age, dateTime, stackName, time } from '../format.js';
import { containerSteps, errorBlock, placementTable, progressBar, shortId } from '../components.js';

const CAN_STOP = ['pending', 'deploying', 'running', 'degraded', 'error'];
const CAN_START = ['stopped', 'stopping', 'error', 'degraded'];
const SETTLED = ['running', 'stopped', 'error', 'degraded'];

export function mount(root, { api, route, setTitle }) {
  const stackId = route.parts[1].startsWith('stack:') ? route.parts[1] : `stack:${route.parts[1]}`;
  setTitle(stackName(stackId));
  const head = h('div', { class: 'page-head' }, h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/stacks' }, 'Stacks'), ' / '), h('h1', null, stackName(stackId)));
  const summary = h('section', { 'aria-label': 'Summary' }, notice('loading', 'Loading the stack…'));
  const containers = h('section', { 'aria-labelledby': 'containers-title', id: 'containers' });
  const tasks = h('section', { 'aria-labelledby': 'tasks-title', id: 'stack-tasks' });
  const explanation = h('section', { id: 'explanation' });
  const timeline = h('ol', { class: 'timeline', id: 'timeline', 'aria-live': 'polite' });
  const actionStatus = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  replace(root, head, summary, actionStatus, containers, tasks, explanation, h('section', { 'aria-labelledby': 'events-title' }, h('h2', { id: 'events-title' }, 'Events'), timeline));

  let view;
  let deleted = false;
  let disposed = false;
  const seenEvents = new Set();

  async function load() {
    try {
      const [fresh, taskPage] = await Promise.all([api.getStack(stackId), api.listTasks({ stackId, limit: 200 })]);
      if (disposed) return;
      view = fresh;
      drawSummary();
      drawContainers();
      drawTasks(taskPage.items);
      drawExplanation();
    } catch (error) {
      if (disposed) return;
      if (error.status === 404) {
        if (view !== undefined || deleted) markDeleted();
        else replace(summary, notice('empty', `There is no stack ${stackName(stackId)} (it may have been deleted).`, h('a', { href: '#/stacks' }, 'Back to the stacks')));
        return;
      }
      replace(summary, notice('error', `Could not load the stack: ${error.message}`, h('button', { type: 'button', onclick: () => void load() }, 'Try again')));
    }
  }

  async function loadEvents() {
    try {
      const history = await api.eventHistory({ stackId, limit: 200 });
      for (const event of history.items) addEvent(event);
    } catch {
      // The live stream still fills the timeline.
    }
  }

  function addEvent(event) {
    if (seenEvents.has(event['@id'])) return;
    seenEvents.add(event['@id']);
    const item = h(
      'li',
      { class: `event event-${event.type}`, dataset: { type: event.type, ts: event.timestamp } },
      h('time', { datetime: event.timestamp, title: dateTime(event.timestamp) }, time(event.timestamp)),
      ' ',
      h('span', { class: 'event-type' }, event.type.replace(/_/g, ' ')),
      ' ',
      h('span', null, event.message ?? ''),
      event.data?.error ? h('div', { class: 'text-error small' }, `${event.data.error.code}: ${event.data.error.message}`) : null,
    );
    // Newest first, whatever order they arrive in.
    const later = [...timeline.children].find((li) => li.dataset.ts < event.timestamp);
    timeline.insertBefore(item, later ?? null);
    while (timeline.children.length > 300) timeline.lastElementChild.remove();
  }

  function drawSummary() {
    const { stack, deployment } = view;
    setTitle(stack.name);
    const status = deleted ? 'deleted' : stack.status;
    const button = (label, action, enabled, cls) =>
      h('button', { type: 'button', class: cls, disabled: !enabled || deleted, onclick: () => void act(action, label) }, label);
    replace(
      summary,
      h('div', { class: 'summary-head' }, badge(status), deployment ? progressBar(deployment.progress, 'stack progress') : null, h('span', { class: 'muted' }, deployment ? `${Math.round(deployment.progress)}% · ${deployment.phase}` : '')),
      stack.errorMessage && !deleted ? h('p', { class: 'text-error', role: 'alert' }, stack.errorMessage) : null,
      h(
        'dl',
        { class: 'facts' },
        fact('Stack id', h('code', null, stack['@id'])),
        fact('Containers', String(stack.definition.containers.length)),
        fact('Format', stack.sourceFormat),
        fact('Strategy', deployment?.strategy ?? stack.definition.deployment?.placementStrategy ?? '—'),
        fact('Generation', String(stack.generation)),
        fact('Owner', stack.owner ?? '—'),
        fact('Created', h('span', { title: dateTime(stack.dateCreated) }, `${age(stack.dateCreated)} ago`)),
        fact('Modified', h('span', { title: dateTime(stack.dateModified) }, `${age(stack.dateModified)} ago`)),
      ),
      h(
        'div',
        { class: 'toolbar', role: 'group', 'aria-label': 'Stack actions' },
        button('Stop', 'stop', CAN_STOP.includes(stack.status), 'secondary'),
        button('Start', 'start', CAN_START.includes(stack.status), 'secondary'),
        button('Delete', 'remove', stack.status !== 'deleting', 'danger'),
      ),
    );
  }

  async function act(action, label) {
    const name = view.stack.name;
    const question =
      action === 'remove'
        ? `Delete stack "${name}"? Every container of it is removed from its host, then the stack is forgotten.`
        : action === 'stop'
          ? `Stop every container of "${name}"? They stay on their hosts and can be started again.`
          : `Start the stopped containers of "${name}"?`;
    if (!(await confirmAction(`${label} ${name}?`, question, label))) return;
    actionStatus.textContent = `${label}: sending…`;
    try {
      if (action === 'remove') await api.deleteStack(stackId);
      else await api.stackAction(stackId, action);
      actionStatus.textContent = `${label} requested; following its progress.`;
    } catch (error) {
      actionStatus.textContent = `${label} failed: ${error.message}`;
    }
    refresh();
  }

  function drawContainers() {
    const { stack, deployment } = view;
    const placements = deployment?.placements ?? {};
    const images = Object.fromEntries(stack.definition.containers.map((c) => [c.name, c.image]));
    const byHost = new Map();
    for (const [name, p] of Object.entries(placements)) byHost.set(p.hostId, [...(byHost.get(p.hostId) ?? []), [name, p]]);
    const groups = [...byHost.entries()].sort((a, b) => a[0].localeCompare(b[0]));
    replace(
      containers,
      h('h2', { id: 'containers-title' }, 'Containers by host'),
      groups.length === 0
        ? notice('empty', 'No container has been placed yet.')
        : h(
            'div',
            { class: 'host-groups' },
            groups.map(([hostId, list]) => {
              const gone = list.every(([, p]) => p.status === 'removed');
              return h(
                'section',
                { class: ['host-group', gone ? 'gone' : ''], dataset: { host: hostId }, 'aria-label': `host ${hostId}` },
                h('h3', null, hostId, ' ', h('span', { class: 'muted' }, list[0][1].hostAddress), gone ? h('span', { class: 'badge status-removed' }, 'all removed') : null),
                h('ul', { class: 'cards' }, list.map(([name, p]) => containerCard(name, p, images[name]))),
              );
            }),
          ),
    );
  }

  function containerCard(name, p, image) {
    return h(
      'li',
      { class: ['container-card', p.status === 'removed' ? 'removed' : ''], dataset: { container: name, status: p.status } },
      h('div', { class: 'card-head' }, h('strong', null, name), ' ', badge(p.status)),
      h('div', { class: 'muted small' }, image ?? ''),
      containerSteps(p.status),
      p.ports?.length ? h('div', { class: 'small' }, 'ports: ', p.ports.map((port) => `${p.hostAddress}:${port.hostPort} → ${port.containerPort}/${port.protocol}`).join(', ')) : null,
      p.containerId ? h('div', { class: 'small muted' }, 'container ', shortId(p.containerId, 12)) : null,
      errorBlock(p.error),
    );
  }

  function drawTasks(items) {
    const rows = [...items]
      .sort((a, b) => (b.dateCreated ?? '').localeCompare(a.dateCreated ?? ''))
      .map((t) => [
        t.containerName,
        t.taskType,
        t.hostId,
        badge(t.status),
        `${t.attempt}/${t.maxAttempts}`,
        t.progress?.phase ?? '—',
        t.error ? h('span', { class: 'text-error' }, `${t.error.code}: ${t.error.message}`) : '—',
        h('span', { title: dateTime(t.dateCreated) }, `${age(t.dateCreated)} ago`),
      ]);
    replace(
      tasks,
      h('h2', { id: 'tasks-title' }, 'Tasks'),
      rows.length === 0 ? notice('empty', 'No tasks.') : table('Tasks of the stack', ['Container', 'Type', 'Host', 'Status', 'Attempt', 'Phase', 'Error', 'Created'], rows),
    );
  }

  function drawExplanation() {
    const ex = view.deployment?.explanation;
    if (ex === undefined) return replace(explanation);
    replace(explanation, h('details', null, h('summary', null, h('h2', { class: 'inline' }, 'Why each container went where it did')), placementTable(ex, view.deployment.placements)));
  }

  function markDeleted() {
    deleted = true;
    if (view === undefined) {
      replace(summary, notice('empty', 'This stack has been deleted.', h('a', { href: '#/stacks' }, 'Back to the stacks')));
      return;
    }
    for (const p of Object.values(view.deployment?.placements ?? {})) p.status = 'removed';
    drawSummary();
    summary.prepend(notice('done', `Stack ${view.stack.name} has been deleted: no container of it is left on any host.`, h('a', { href: '#/stacks' }, 'Back to the stacks')));
    drawContainers();
  }

  let quick;
  let settle;
  const refresh = () => {
    if (deleted) return;
    clearTimeout(quick);
    clearTimeout(settle);
    quick = setTimeout(() => void load(), 300);
    settle = setTimeout(() => void load(), 1500);
  };
  const safety = setInterval(() => {
    if (!deleted && view !== undefined && !SETTLED.includes(view.stack.status)) void load();
  }, 4000);

  void load();
  void loadEvents();
  return {
    onEvent: (event) => {
      if (event.stackId !== stackId) return;
      addEvent(event);
      if (event.type === 'stack_deleted') markDeleted();
      else refresh();
    },
    onReconnect: () => {
      void load();
      void loadEvents();
    },
    dispose: () => {
      disposed = true;
      clearTimeout(quick);
      clearTimeout(settle);
      clearInterval(safety);
    },
  };
}

function fact(term, value) {
  return h('div', null, h('dt', null, term), h('dd', null, value));
}
