/**
 * What one agent request costs the thread that serves it. A script that prints figures, not a test.
 *
 *   pnpm exec tsx packages/controller/bench/requests.ts [--requests 10000] [--rounds 3]
 *
 * Three servers, each in its own process, answer the same request, `POST
 * /api/v1/agents/h1/tasks/claim?wait=0` with a small JSON body, from 64 connections at once:
 *  - `node:http`: Node's HTTP server, reading the body and answering `{"tasks":[]}`; the floor;
 *  - `express`: express 5 with `express.json()` and that one route answering `res.json({tasks: []})`;
 *  - `controller`: the controller (embedded store), an agent token and a registered host with nothing to
 *    claim, so the claim runs the whole request pipeline (the agent lane: http/agentLane.ts) and the queue
 *    but never waits or writes.
 * For each it prints the CPU time of the serving thread per request (Linux /proc) and requests/s, the median
 * of `--rounds` rounds taken in turn. The fleet benchmark's agents make two to three such requests per task
 * (claim, status report, a share of heartbeats): this is that part of its cost, apart from the store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { callController, cpuSecondsOf, startController } from './controllerProcess.js';

interface Args {
  requests: number;
  rounds: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { requests: 10_000, rounds: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--requests') args.requests = Number(value);
    else if (flag === '--rounds') args.rounds = Number(value);
    else throw new Error(`unknown flag ${flag}`);
  }
  return args;
}

const CONNECTIONS = 64;
const WARM_UP = 2_000;
const CLAIM_PATH = '/api/v1/agents/h1/tasks/claim?wait=0';

/** The two reference servers, as programs for `node -e`; each prints its URL once it listens. */
const REFERENCE_SERVERS = {
  'node:http': `
    const { createServer } = require('node:http');
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        JSON.parse(body);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ tasks: [] }));
      });
    });
    server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));`,
  express: `
    const express = require(process.env.EXPRESS_PATH);
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.post('/api/v1/agents/:hostId/tasks/claim', express.json(), (req, res) => res.json({ tasks: [] }));
    const server = app.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));`,
} as const;

type ServerName = keyof typeof REFERENCE_SERVERS | 'controller';

interface Target {
  child: ChildProcess;
  url: string;
  token: string;
  body: string;
  stop(): Promise<void>;
}

async function startReference(name: keyof typeof REFERENCE_SERVERS): Promise<Target> {
  // express as the controller depends on it (this script may run from anywhere in the workspace).
  const expressPath = createRequire(new URL('../package.json', import.meta.url)).resolve('express');
  const child = spawn(process.execPath, ['-e', REFERENCE_SERVERS[name]], { env: { ...process.env, EXPRESS_PATH: expressPath } });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      const found = /listening on (\S+)/.exec(output)?.[1];
      if (found !== undefined) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`${name} server exited (${code})`)));
  });
  return { child, url, token: 'none', body: JSON.stringify({ agentSession: 'bench', max: 8 }), stop: () => stopChild(child) };
}

async function startGraphium(dispatcher: Agent): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'graphium-bench-'));
  const { child, url, admin } = await startController(dataDir);
  const post = (token: string, path: string, body: unknown) => callController(dispatcher, url, token, 'POST', path, body);
  const { token } = (await post(admin, '/api/v1/tokens', { kind: 'agent', name: 'h1', hostId: 'h1' })) as { token: string };
  const { agentSession } = (await post(token, '/api/v1/agents/h1/register', {
    address: '127.0.0.1',
    resources: { cpus: 4, memory: 8 * 2 ** 30 },
  })) as { agentSession: string };
  return {
    child,
    url,
    token,
    body: JSON.stringify({ agentSession, max: 8 }),
    stop: async () => {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** `count` claims from CONNECTIONS callers at once; each must be answered 200 with no tasks. */
async function hammer(target: Target, dispatcher: Agent, count: number): Promise<void> {
  let next = 0;
  const caller = async (): Promise<void> => {
    while (next++ < count) {
      const response = await request(`${target.url}${CLAIM_PATH}`, {
        method: 'POST',
        dispatcher,
        headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
        body: target.body,
      });
      const text = await response.body.text();
      if (response.statusCode !== 200 || text !== '{"tasks":[]}') throw new Error(`claim answered ${response.statusCode} ${text}`);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, caller));
}

interface Round {
  microsPerRequest: number;
  perSecond: number;
}

async function measure(target: Target, dispatcher: Agent, count: number): Promise<Round> {
  const pid = target.child.pid!;
  // The serving thread is the process's main thread (the controller's store has a worker thread of its own).
  const stat = `/proc/${pid}/task/${pid}/stat`;
  const before = cpuSecondsOf(stat);
  const started = performance.now();
  await hammer(target, dispatcher, count);
  const seconds = (performance.now() - started) / 1000;
  return { microsPerRequest: (1e6 * (cpuSecondsOf(stat) - before)) / count, perSecond: count / seconds };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dispatcher = new Agent({ connections: CONNECTIONS });
  const names: ServerName[] = ['node:http', 'express', 'controller'];
  const targets = new Map<ServerName, Target>();
  try {
    for (const name of names) {
      const target = name === 'controller' ? await startGraphium(dispatcher) : await startReference(name);
      targets.set(name, target);
      await hammer(target, dispatcher, WARM_UP);
    }
    const rounds = new Map<ServerName, Round[]>(names.map((name) => [name, []]));
    for (let round = 0; round < args.rounds; round++) {
      for (const name of names) rounds.get(name)!.push(await measure(targets.get(name)!, dispatcher, args.requests));
    }
    console.log(`agent request cost: POST ${CLAIM_PATH}, ${args.requests} requests × ${args.rounds} rounds, ${CONNECTIONS} connections, medians`);
    const floor = median(rounds.get('node:http')!.map((r) => r.microsPerRequest));
    for (const name of names) {
      const taken = rounds.get(name)!;
      const micros = median(taken.map((r) => r.microsPerRequest));
      console.log(
        `  ${name.padEnd(10)} ${micros.toFixed(0).padStart(5)} µs of the serving thread per request (${(micros / floor).toFixed(1)}× node:http), ${median(taken.map((r) => r.perSecond)).toFixed(0)} requests/s`,
      );
    }
  } finally {
    for (const target of targets.values()) await target.stop();
    await dispatcher.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
