/** Human-readable amounts for explanation messages. */

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) >= GIB) return `${round(bytes / GIB, 1)} GiB`;
  if (Math.abs(bytes) >= MIB) return `${round(bytes / MIB, 1)} MiB`;
  return `${Math.round(bytes)} B`;
}

export function formatCpus(cpus: number): string {
  const n = round(cpus, 2);
  return `${n} CPU${n === 1 ? '' : 's'}`;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
