/**
 * TCP ports something on this machine listens on for every address (0.0.0.0 or ::), read from
 * /proc/net/tcp{,6}: a container cannot publish those either, so placement should avoid them. Ports bound
 * to one address only do not block publishing on another, so they are left out. Empty off Linux.
 */
import { readFileSync } from 'node:fs';

const LISTEN = '0A';
const WILDCARD = /^0+:[0-9A-F]{4}$/i;

export function parseListeners(table: string): number[] {
  const ports: number[] = [];
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (local === undefined || fields[3] !== LISTEN || !WILDCARD.test(local)) continue;
    ports.push(parseInt(local.slice(local.indexOf(':') + 1), 16));
  }
  return ports;
}

export function wildcardListeners(): number[] {
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const port of parseListeners(readFileSync(file, 'utf8'))) ports.add(port);
    } catch {
      // absent off Linux, or without IPv6
    }
  }
  return [...ports];
}
