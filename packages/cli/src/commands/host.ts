/** `graphium host …`: ls, drain. */
import { ago, bytes, dash } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { printJson, type CommandContext } from './context.js';

export async function listHosts(ctx: CommandContext): Promise<void> {
  const list = await ctx.client.listHosts();
  if (ctx.json) {
    printJson(ctx, list);
    return;
  }
  if (list.items.length === 0) {
    ctx.io.out('no hosts: start an agent on a Docker host (see `agent --help`)\n');
    return;
  }
  const now = ctx.now();
  const rows = list.items.map((h) => [
    h.hostId,
    h.status,
    h.address,
    dash(h.datacenter),
    String(h.resources.cpus),
    bytes(h.resources.memory),
    h.load === undefined ? '-' : `${Math.round(h.load.cpuPercent)}%`,
    h.load === undefined ? '-' : bytes(h.load.memoryUsed),
    h.load === undefined ? '-' : String(h.load.containerCount),
    ago(h.lastSeen, now),
    Object.entries(h.labels).map(([k, v]) => `${k}=${v}`).join(',') || '-',
  ]);
  ctx.io.out(renderTable(['host', 'status', 'address', 'datacenter', 'cpus', 'memory', 'cpu', 'mem used', 'containers', 'last seen', 'labels'], rows));
}

export async function drainHost(ctx: CommandContext, hostId: string): Promise<void> {
  const host = await ctx.client.drainHost(hostId);
  if (ctx.json) printJson(ctx, host);
  else ctx.io.out(`host ${host.hostId} is ${host.status}: no new containers will be placed on it; its running containers stay until moved or removed\n`);
}
