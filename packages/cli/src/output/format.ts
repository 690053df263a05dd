/** Small formatters shared by the tables. */

export function bytes(value: number | undefined): string {
  if (value === undefined) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${n >= 10 || unit === 0 ? Math.round(n) : n.toFixed(1)} ${units[unit]}`;
}

/** "12s ago", "5m ago", "3h ago", "2d ago". */
export function ago(iso: string | undefined, now: number): string {
  if (iso === undefined) return '-';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

export function dash(value: string | number | undefined): string {
  return value === undefined || value === '' ? '-' : String(value);
}

/** A fixed-width bar: `██████░░░░`. */
export function bar(fraction: number, size: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * size);
  return '█'.repeat(filled) + '░'.repeat(size - filled);
}

export function signed(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return rounded >= 0 ? `+${rounded}` : String(rounded);
}
