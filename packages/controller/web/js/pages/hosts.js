/**
 * Hosts: status, datacenter, labels, live CPU and memory, containers, last heartbeat; Drain; and the
 * topology picture. Load figures arrive with agent heartbeats, which make no event, so the list is also
 * re-read every 5 s while the page is open; host events (online, offline, draining) re-read it at once.
 */
import { badge, confirmAction, h, notice, replace, table } from '../dom.js';
import { age, bytes, dateTime, debounce } from '../format.js';
import { progressBar } from '../components.js';
import { allStacksWithState, containersByHost } from '../fleet.js';
import { topology } from '../topology.js';

export function mount(root, { api, setTitle }) {
  setTitle('Hosts');
  const status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  const list = h('section', { 'aria-label': 'Host list', 'aria-busy': 'true' }, notice('loading', 'Loading hosts…'));
  const picture = h('section', { 'aria-labelledby': 'topology-title' }, h('h2', { id: 'topology-title' }, 'Topology'));
  replace(root, h('div', { class: 'page-head' }, h('h1', null, 'Hosts')), status, list, picture);
  let disposed = false;
  let views = [];
  let tick = 0;

  async function load() {
    try {
      // Stack placements change less often than load figures: every third poll, or on an event.
      const [hostList, stacks] = await Promise.all([api.listHosts(), tick % 3 === 0 ? allStacksWithState(api) : Promise.resolve(views)]);
      tick += 1;
      if (disposed) return;
      views = stacks;
      draw(hostList.items, containersByHost(views));
    } catch (error) {
      if (disposed) return;
      list.setAttribute('aria-busy', 'false');
      replace(list, notice('error', `Could not load the hosts: ${error.message}`, h('button', { type: 'button', onclick: () => void load() }, 'Try again')));
    }
  }

  function draw(hosts, byHost) {
    list.setAttribute('aria-busy', 'false');
    if (hosts.length === 0) {
      replace(list, notice('empty', 'No hosts yet. Start an agent on a Docker host: agent --host-id <id> --controller <url> --token <agent token>.'));
      replace(picture, h('h2', { id: 'topology-title' }, 'Topology'), notice('empty', 'Nothing to draw yet.'));
      return;
    }
    const rows = [...hosts]
      .sort((a, b) => a.hostId.localeCompare(b.hostId))
      .map((host) => {
        const load = host.load;
        const memTotal = host.resources.memory;
        const memUsed = load?.memoryUsed;
        const memPct = memUsed === undefined ? undefined : (100 * memUsed) / memTotal;
        return h(
          'tr',
          { dataset: { host: host.hostId } },
          h('td', null, h('strong', null, host.hostId), h('div', { class: 'muted small' }, host.address)),
          h('td', null, badge(host.status)),
          h('td', null, host.datacenter ?? '—'),
          h('td', null, labels(host.labels)),
          h('td', null, load === undefined ? '—' : h('div', { class: 'meter' }, progressBar(load.cpuPercent, `CPU of ${host.hostId}`), h('span', null, `${Math.round(load.cpuPercent)}% of ${host.resources.cpus} CPU`))),
          h('td', null, memPct === undefined ? bytes(memTotal) : h('div', { class: 'meter' }, progressBar(memPct, `memory of ${host.hostId}`), h('span', null, `${bytes(memUsed)} / ${bytes(memTotal)}`))),
          h('td', { class: 'num' }, String(load?.containerCount ?? (byHost.get(host.hostId) ?? []).length)),
          h('td', { title: dateTime(host.lastSeen) }, `${age(host.lastSeen)} ago`),
          h('td', null, h('button', { type: 'button', class: 'secondary small', disabled: host.status === 'draining', onclick: () => void drain(host.hostId) }, host.status === 'draining' ? 'Draining' : 'Drain')),
        );
      });
    replace(list, table('Hosts', ['Host', 'Status', 'Datacenter', 'Labels', 'CPU', 'Memory', 'Containers', 'Last heartbeat', ''], rows, { class: 'hosts-table' }));
    replace(picture, h('h2', { id: 'topology-title' }, 'Topology'), h('div', { class: 'topology-wrap' }, topology(hosts, byHost)));
  }

  async function drain(hostId) {
    if (!(await confirmAction(`Drain ${hostId}?`, `No new containers will be placed on ${hostId}. Containers already running there stay until moved or removed.`, 'Drain'))) return;
    try {
      await api.drainHost(hostId);
      status.textContent = `${hostId} is draining.`;
    } catch (error) {
      status.textContent = `Drain failed: ${error.message}`;
    }
    void load();
  }

  const refresh = debounce(() => {
    tick = 0;
    void load();
  }, 400);
  const poll = setInterval(() => void load(), 5000);
  void load();
  return {
    onEvent: (event) => {
      if (event.type?.startsWith('host_') || event.type?.startsWith('stack_')) refresh();
    },
    onReconnect: refresh,
    dispose: () => {
      disposed = true;
      clearInterval(poll);
      refresh.cancel();
    },
  };
}

function labels(map) {
  const entries = Object.entries(map ?? {});
  if (entries.length === 0) return h('span', { class: 'muted' }, '—');
  return h('ul', { class: 'chips' }, entries.map(([k, v]) => h('li', null, `${k}=${v}`)));
}
