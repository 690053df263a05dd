/**
 * The controller as the benchmarks run it: its own process, started from packages/controller/dist on a
 * random loopback port with a fresh data directory, and read from outside through Linux /proc (CPU per
 * thread, RSS). Shared by fleet.ts and requests.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request, type Dispatcher } from 'undici';

/** utime + stime of one process or thread (a /proc stat file), in seconds. */
export function cpuSecondsOf(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of each thread of a process, by thread id (Linux /proc). */
export function threadCpu(pid: number): Map<number, number> {
  const threads = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      threads.set(Number(tid), cpuSecondsOf(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return threads;
}

/** utime + stime of a process, in seconds, per thread too, and its current and peak RSS in MiB (Linux /proc). */
export function processStats(pid: number): { cpuSeconds: number; threads: Map<number, number>; rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuSeconds: cpuSecondsOf(`/proc/${pid}/stat`), threads: threadCpu(pid), rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
}

/**
 * Starts `controller serve` and waits for its URL and admin token. `profile` makes it write a V8 CPU profile
 * there; `GRAPHIUM_BENCH_NODE_FLAGS="--flag …"` passes V8/Node flags to it, to compare settings.
 */
export async function startController(dataDir: string, profile?: string): Promise<{ child: ChildProcess; url: string; admin: string }> {
  const main = join(dirname(fileURLToPath(import.meta.url)), '../dist/main.js');
  const profiling = profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`];
  const nodeFlags = (process.env.GRAPHIUM_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...profiling, ...nodeFlags, main, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'error']);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
  for (let i = 0; i < 300; i++) {
    const url = /controller on (http:\/\/\S+)/.exec(output)?.[1];
    const admin = /GRAPHIUM_TOKEN=(\S+)/.exec(output)?.[1];
    if (url !== undefined && admin !== undefined) return { child, url, admin };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`controller did not start:\n${output}`);
}


/** One API call with a bearer token and a JSON body; the parsed JSON answer (undefined when empty), or throws on 4xx/5xx. */
export async function callController(dispatcher: Dispatcher, base: string, token: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await request(`${base}${path}`, {
    method: method as 'GET',
    dispatcher,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  if (response.statusCode >= 400) throw new Error(`${method} ${path}: ${response.statusCode} ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}
