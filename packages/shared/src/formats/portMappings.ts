import { PROTOCOLS, type PortSpec } from '../models/stackSpec.js';
import { describeValue, mustBeOneOf, quote } from '../validation/describe.js';
import { asOneOf, asPortNumber, asString } from './coerce.js';
import type { Diagnostics } from './diagnostics.js';
import type { Located } from './located.js';
import { ObjectReader, isPlainObject } from './objectReader.js';

/** A port range expands to one mapping per port; past this many it is surely a typo. */
export const MAX_PORT_RANGE = 1024;

export type PortEntry = Located<PortSpec>;

export type PortStringResult = { ok: true; ports: PortSpec[] } | { ok: false; reason: string };

export const asProtocol = asOneOf(PROTOCOLS, 'protocol');

/** "8080" or "8080-8090" → the ports it names. */
export function parsePortRange(text: string): { ok: true; ports: number[] } | { ok: false; reason: string } {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (match === null) return { ok: false, reason: `${quote(text)} is not a port number or range` };
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (end < start) return { ok: false, reason: `port range ${quote(text)} ends before it starts` };
  if (end - start + 1 > MAX_PORT_RANGE) {
    return { ok: false, reason: `port range ${quote(text)} spans more than ${MAX_PORT_RANGE} ports` };
  }
  return { ok: true, ports: Array.from({ length: end - start + 1 }, (_, i) => start + i) };
}

/**
 * Docker's short port syntax: `[[hostIP:]hostPort[-range]:]containerPort[-range][/protocol]`, with IPv6
 * host addresses in brackets (`[::1]:8080:80`). "80" publishes to a random host port; "127.0.0.1::80" binds
 * an address with a random port. Equal-length ranges pair up port by port.
 */
export function parsePortString(text: string): PortStringResult {
  const fail = (reason: string): PortStringResult => ({ ok: false, reason });
  let rest = text.trim();
  let protocol: PortSpec['protocol'] = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    const proto = rest.slice(slash + 1).toLowerCase();
    const known = PROTOCOLS.find((p) => p === proto);
    if (known === undefined) return fail(`protocol ${mustBeOneOf(PROTOCOLS, rest.slice(slash + 1))}`);
    protocol = known;
    rest = rest.slice(0, slash);
  }

  let hostIP: string | undefined;
  let parts: string[];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest.charAt(close + 1) !== ':') return fail(`${quote(text)} has a malformed [IPv6] host address`);
    hostIP = rest.slice(1, close);
    parts = rest.slice(close + 2).split(':');
    if (parts.length !== 2) return fail(`${quote(text)} needs hostPort:containerPort after the host address`);
  } else {
    parts = rest.split(':');
    if (parts.length > 3) {
      // An unbracketed IPv6 address: everything before the last two fields.
      hostIP = parts.slice(0, -2).join(':');
      parts = parts.slice(-2);
    } else if (parts.length === 3) {
      hostIP = parts.shift();
    }
  }
  if (hostIP === '') return fail(`${quote(text)} has an empty host address`);

  const containerText = parts[parts.length - 1] ?? '';
  const hostText = parts.length > 1 ? (parts[0] ?? '') : '';
  const containerPorts = parsePortRange(containerText);
  if (!containerPorts.ok) return fail(containerPorts.reason);
  let hostPorts: number[] | undefined;
  if (hostText !== '') {
    const parsed = parsePortRange(hostText);
    if (!parsed.ok) return fail(parsed.reason);
    hostPorts = parsed.ports;
    if (hostPorts.length !== containerPorts.ports.length) {
      return fail(
        `${quote(text)} maps ${hostPorts.length} host port(s) to ${containerPorts.ports.length} container port(s); ranges must be the same length`,
      );
    }
  }
  const ports = containerPorts.ports.map((containerPort, i): PortSpec => {
    const port: PortSpec = { containerPort, protocol };
    const hostPort = hostPorts?.[i];
    if (hostPort !== undefined) port.hostPort = hostPort;
    if (hostIP !== undefined) port.hostIP = hostIP;
    return port;
  });
  return { ok: true, ports };
}

/**
 * A list of ports as JSON-LD and EVE write them: numbers (container port only), short-syntax strings
 * ("8080:80/udp"), or objects `{containerPort | portNumber, hostPort, protocol, hostIP}`; `portNumber` is the
 * schema.org spelling seen in real files, `protocol` is case-insensitive.
 */
export function readPortList(value: unknown, path: string, diag: Diagnostics): PortEntry[] {
  if (!Array.isArray(value)) {
    diag.error(path, `must be a list of ports, got ${describeValue(value)}`);
    return [];
  }
  const entries: PortEntry[] = [];
  value.forEach((item: unknown, i) => {
    const at = `${path}[${i}]`;
    if (typeof item === 'number' || typeof item === 'string') {
      const parsed = typeof item === 'number' ? portFromNumber(item) : parsePortString(item);
      if (parsed.ok) for (const port of parsed.ports) entries.push({ value: port, path: at, fieldPaths: {} });
      else diag.error(at, parsed.reason);
      return;
    }
    if (!isPlainObject(item)) {
      diag.error(at, `must be a port object, a number or a "hostPort:containerPort" string, got ${describeValue(item)}`);
      return;
    }
    const entry = readPortObject(item, at, diag);
    if (entry !== undefined) entries.push(entry);
  });
  return entries;
}

function portFromNumber(value: number): PortStringResult {
  if (!Number.isInteger(value)) return { ok: false, reason: `must be a port number (1-65535), got ${describeValue(value)}` };
  return { ok: true, ports: [{ containerPort: value, protocol: 'tcp' }] };
}

function readPortObject(item: Record<string, unknown>, at: string, diag: Diagnostics): PortEntry | undefined {
  const reader = ObjectReader.open(item, at, diag);
  if (reader === undefined) return undefined;
  reader.accept('@type', '@id', 'description', 'comment', 'name');
  const fieldPaths: Record<string, string> = {};
  const primary = reader.read('containerPort', asPortNumber);
  const alias = reader.read('portNumber', asPortNumber);
  if (primary !== undefined && alias !== undefined && primary !== alias) {
    diag.error(reader.pathOf('portNumber'), `portNumber ${alias} contradicts containerPort ${primary}; give one`);
  }
  const containerKey = reader.has('containerPort') || !reader.has('portNumber') ? 'containerPort' : 'portNumber';
  fieldPaths.containerPort = reader.pathOf(containerKey);
  const containerPort = primary ?? alias;
  if (containerPort === undefined && !reader.has('containerPort') && !reader.has('portNumber')) {
    diag.error(reader.pathOf('containerPort'), '"containerPort" (or "portNumber") is required');
  }
  const hostPort = reader.read('hostPort', asPortNumber);
  fieldPaths.hostPort = reader.pathOf('hostPort');
  const protocol = reader.read('protocol', asProtocol);
  fieldPaths.protocol = reader.pathOf('protocol');
  const ipKey = reader.has('hostIp') && !reader.has('hostIP') ? 'hostIp' : 'hostIP';
  reader.accept('hostIp', 'hostIP');
  const hostIP = reader.read(ipKey, asString);
  fieldPaths.hostIP = reader.pathOf(ipKey);
  reader.finish();
  if (containerPort === undefined) return undefined;
  const port: PortSpec = { containerPort, protocol: protocol ?? 'tcp' };
  if (hostPort !== undefined) port.hostPort = hostPort;
  if (hostIP !== undefined && hostIP !== '') port.hostIP = hostIP;
  return { value: port, path: at, fieldPaths };
}
