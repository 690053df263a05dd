/**
 * A child process of the test run (controller, agent): its output goes to a log file (kept for reading when a
 * test fails) and is scanned line by line so a test can wait for what it prints. Stopping sends SIGTERM and
 * falls back to SIGKILL after a grace period, so a hung process never hangs the suite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface SpawnOptions {
  /** Name in messages and the log file name. */
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
}

/** The environment of this process without the variables that would steer Graphium's processes. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('GRAPHIUM_') || key === 'DOCKER_HOST' || key === 'COUCHDB_URL') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

export class TestProcess {
  private readonly lines: string[] = [];
  private readonly listeners = new Set<(line: string) => void>();
  private readonly log: WriteStream;
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.log.write(`${line}\n`);
        this.lines.push(line);
        for (const listener of this.listeners) listener(line);
      });
    }
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal === null ? null : 128);
        resolve(this.exitCode);
      });
    });
  }

  static spawn(options: SpawnOptions): TestProcess {
    const child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new TestProcess(options.name, child, options.logFile);
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Waits for a printed line matching `pattern` (lines already printed count) and returns its match. */
  waitForLine(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    const seen = this.lines.map((line) => line.match(pattern)).find((m) => m !== null);
    if (seen !== undefined && seen !== null) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = (line: string) => {
        const match = line.match(pattern);
        if (match !== null) {
          done();
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name} printed no line matching ${pattern} within ${timeoutMs} ms\n${this.tail()}`));
      }, timeoutMs);
      this.listeners.add(listener);
      void this.exited.then((code) => {
        if (!this.listeners.has(listener)) return;
        done();
        reject(new Error(`${this.name} exited (${code}) before printing ${pattern}\n${this.tail()}`));
      });
    });
  }

  /** The last lines of its log, for failure messages. */
  tail(count = 30): string {
    let text: string;
    try {
      text = readFileSync(this.logFile, 'utf8');
    } catch {
      text = this.lines.join('\n');
    }
    return text.split('\n').slice(-count).map((line) => `  ${this.name} | ${line}`).join('\n');
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  async stop(graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.running) {
      this.child.kill(signal);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => this.log.end(resolve));
    return this.exitCode ?? null;
  }
}
