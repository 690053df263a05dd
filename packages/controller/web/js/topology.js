/**
 * The fleet as a picture: datacenters hold hosts, hosts hold their containers (SVG, drawn from data with
 * text nodes only). Hosts flow left to right and wrap; every box carries a <title> for its details.
 */
import { s } from './dom.js';

const HOST_W = 200;
const HOST_GAP = 16;
const ROW_H = 22;
const HOST_HEAD = 44;
const DC_PAD = 16;
const DC_HEAD = 30;
const WIDTH = 960;

export function topology(hosts, byHost) {
  const datacenters = new Map();
  for (const host of hosts) {
    const dc = host.datacenter ?? '(no datacenter)';
    datacenters.set(dc, [...(datacenters.get(dc) ?? []), host]);
  }
  const perRow = Math.max(1, Math.floor((WIDTH - 2 * DC_PAD + HOST_GAP) / (HOST_W + HOST_GAP)));
  const groups = [];
  let y = 0;
  for (const [dc, list] of [...datacenters.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const boxes = [];
    let rowY = y + DC_HEAD;
    for (let start = 0; start < list.length; start += perRow) {
      const row = list.slice(start, start + perRow);
      const rowHeight = Math.max(...row.map((host) => HOST_HEAD + Math.max(1, (byHost.get(host.hostId) ?? []).length) * ROW_H + 8));
      row.forEach((host, i) => boxes.push(hostBox(host, byHost.get(host.hostId) ?? [], DC_PAD + i * (HOST_W + HOST_GAP), rowY)));
      rowY += rowHeight + HOST_GAP;
    }
    const height = rowY - y;
    groups.push(
      s(
        'g',
        { class: 'topo-dc' },
        s('rect', { x: 1, y: y + 1, width: WIDTH - 2, height: height - 2, rx: 10, class: 'topo-dc-box' }),
        s('text', { x: DC_PAD, y: y + 20, class: 'topo-dc-label' }, `datacenter ${dc}`, s('title', null, `${list.length} host(s)`)),
        boxes,
      ),
    );
    y += height + HOST_GAP;
  }
  const total = Math.max(y, 60);
  const label = `Topology: ${datacenters.size} datacenter(s), ${hosts.length} host(s), ${[...byHost.values()].reduce((n, l) => n + l.length, 0)} container(s)`;
  return s('svg', { viewBox: `0 0 ${WIDTH} ${total}`, class: 'topology', role: 'img', 'aria-label': label }, s('title', null, label), groups);
}

function hostBox(host, containers, x, y) {
  const height = HOST_HEAD + Math.max(1, containers.length) * ROW_H + 8;
  const load = host.load;
  const cpu = load === undefined ? '' : ` · cpu ${Math.round(load.cpuPercent)}%`;
  return s(
    'g',
    { class: `topo-host topo-${host.status}`, dataset: { host: host.hostId } },
    s('rect', { x, y, width: HOST_W, height, rx: 6, class: 'topo-host-box' }),
    s('circle', { cx: x + 14, cy: y + 16, r: 5, class: 'topo-dot' }),
    s('text', { x: x + 26, y: y + 20, class: 'topo-host-label' }, clip(host.hostId, 22)),
    s('text', { x: x + 12, y: y + 36, class: 'topo-host-sub' }, `${host.status} · ${host.address}${cpu}`),
    s('title', null, `${host.hostId} (${host.status}) ${host.address}`),
    containers.length === 0
      ? s('text', { x: x + 12, y: y + HOST_HEAD + 14, class: 'topo-empty' }, 'no containers')
      : containers.map((c, i) =>
          s(
            'g',
            { class: `topo-container status-${c.status}` },
            s('rect', { x: x + 8, y: y + HOST_HEAD + i * ROW_H, width: HOST_W - 16, height: ROW_H - 4, rx: 4 }),
            s('text', { x: x + 14, y: y + HOST_HEAD + i * ROW_H + 13 }, clip(`${c.stackName}/${c.name}`, 26)),
            s('title', null, `${c.stackName}/${c.name}: ${c.status}`),
          ),
        ),
  );
}

function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
