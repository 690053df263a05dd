#!/usr/bin/env node
// What `npm start` runs once the checkout is installed and built (scripts/graphium.mjs start): the controller
// with its embedded store and, when a Docker daemon answers (DOCKER_HOST, else /var/run/docker.sock), a local
// agent with host id `local`, so one command gives a working single-machine Graphium.
//
// Tokens: the controller prints its admin token only at its first start, so it is kept (mode 0600) in the
// data dir as `admin.token`; the local agent's token, made through the API with it, is kept beside it as
// `local-agent.token`, so later starts need nothing. Both files are as secret as the data dir itself.
//
// The children run in their own process group: Ctrl-C reaches this script only, which stops the agent first
// (it drains its running tasks), then the controller. A second Ctrl-C makes both exit at once.
//
// Run directly (no install/build) with `node scripts/start.mjs [controller serve flags]`.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CONTROLLER_MAIN = join(root, 'packages/controller/dist/main.js');
const AGENT_MAIN = join(root, 'packages/agent/dist/main.js');
export const LOCAL_HOST_ID = 'local';

/** `--name value` or `--name=value` from a list of flags. */
function flagValue(args, name) {
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === name) return args[i + 1];
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return undefined;
}

/** Where the controller keeps its embedded store, as it will resolve it (flag > env > default). */
export function dataDirOf(args, env = process.env, cwd = process.cwd()) {
  return resolve(cwd, flagValue(args, '--data-dir') ?? env.GRAPHIUM_DATA_DIR ?? '.graphium/data');
}

/** The Docker engine a local agent would use, and whether it answers `GET /_ping`. */
export async function localDocker(env = process.env, timeoutMs = 2000) {
  const dockerHost = env.GRAPHIUM_AGENT_DOCKER_HOST || env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  let target;
  if (dockerHost.startsWith('unix://')) target = { socketPath: dockerHost.slice('unix://'.length) };
  else if (/^(tcp|http):\/\//.test(dockerHost)) {
    const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    target = { host: url.hostname, port: Number(url.port || 2375) };
  } else return { dockerHost, reachable: false, reason: 'only unix:// and plain tcp:// engines are probed' };
  if (target.socketPath !== undefined && !existsSync(target.socketPath)) return { dockerHost, reachable: false, reason: `${target.socketPath} does not exist` };
  return new Promise((done) => {
    const req = request({ ...target, path: '/_ping', timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => done({ dockerHost, reachable: res.statusCode === 200 && body.trim() === 'OK', reason: `/_ping answered ${res.statusCode} ${body.trim()}` }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => done({ dockerHost, reachable: false, reason: error.message }));
    req.end();
  });
}

function readSecret(path) {
  return existsSync(path) ? readFileSync(path, 'utf8').trim() || undefined : undefined;
}

function writeSecret(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // also when the file was there with other permissions
}

/** A child whose output is passed through, line by line, to `out`, and scanned by `onLine`. */
function startChild(args, env, out, onLine) {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      out.write(`${line}\n`);
      onLine?.(line);
    });
  }
  child.exited = new Promise((done) => child.once('exit', (code, signal) => done(code ?? (signal === null ? 1 : 128))));
  return child;
}

/** Resolves with the controller's URL (and admin token when it printed one), rejects if it exits first. */
function controllerReady(controller, timeoutMs) {
  return new Promise((resolveReady, reject) => {
    let url;
    let adminToken;
    const finish = () => {
      clearTimeout(timer);
      resolveReady({ url, adminToken });
    };
    const timer = setTimeout(() => reject(new Error(`the controller did not start within ${timeoutMs / 1000} s`)), timeoutMs);
    controller.scan = (line) => {
      if (url !== undefined) {
        // The banner prints the URL first, the token on the next lines.
        const token = /GRAPHIUM_TOKEN=(\S+)/.exec(line);
        if (token) {
          adminToken = token[1];
          finish();
        }
        return;
      }
      const banner = /Graphium controller on (http\S+)/.exec(line);
      if (banner) {
        url = banner[1];
        return; // the token follows
      }
      const listening = /"event":"controller\.listening"/.test(line) && /"url":"(http[^"]+)"/.exec(line);
      // At first start the banner (with the token) follows the listening log line: give it a moment.
      if (listening) {
        url = listening[1];
        setTimeout(() => adminToken === undefined && finish(), 300);
      }
    };
    controller.exited.then((code) => reject(new Error(`the controller exited (${code}) while starting`)));
  });
}

async function createAgentToken(url, adminToken, hostId) {
  const response = await fetch(new URL('/api/v1/tokens', url), {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'agent', name: hostId, hostId }),
  });
  const body = await response.json().catch(() => ({}));
  if (response.status !== 201 || typeof body.token !== 'string') {
    throw new Error(`could not create the local agent's token (${response.status}): ${body.error?.message ?? 'no detail'}`);
  }
  return body.token;
}

function banner({ url, adminToken, adminTokenFile, dataDir, agent, docker }) {
  const ctl = 'node packages/controller/dist/main.js';
  const lines = [
    '',
    '──────────────────────────────────────────────────────────────────────────',
    `Graphium controller on ${url}   (embedded store in ${dataDir})`,
    adminToken === undefined
      ? `Admin token: not known (no ${adminTokenFile}); it was printed at the controller's first start`
      : `Admin token (also in ${adminTokenFile}, mode 0600):\n  export GRAPHIUM_TOKEN=${adminToken}`,
    agent
      ? `Local agent: host id "${LOCAL_HOST_ID}" on ${docker.dockerHost}`
      : `No local agent: no Docker daemon answered at ${docker.dockerHost} (${docker.reason}); set DOCKER_HOST to use another`,
    '',
    'Attach another Docker host, e.g. vm1:',
    `  ${ctl} token create --agent vm1 --controller ${url} --token $GRAPHIUM_TOKEN`,
    '  then on vm1, with the token it printed (use an address of this machine that vm1 reaches):',
    `  node packages/agent/dist/main.js --host-id vm1 --controller ${url.replace('localhost', '<this-machine>')} --token <agent token>`,
    '',
    'Ctrl-C stops Graphium (a second Ctrl-C stops it at once).',
    '──────────────────────────────────────────────────────────────────────────',
    '',
  ];
  return lines.join('\n');
}

/**
 * Starts the controller (controller serve flags in `args`) and, when Docker answers, the local agent.
 * Resolves once both are up with `{ url, adminToken, agent, stop, exited }`; `exited` resolves when
 * Graphium has stopped (after `stop()`, or when the controller exits by itself), with an exit code.
 */
export async function startGraphium({ args = [], env = process.env, out = process.stdout, startTimeoutMs = 60_000 } = {}) {
  const dataDir = dataDirOf(args, env);
  const adminTokenFile = join(dataDir, 'admin.token');
  const agentTokenFile = join(dataDir, 'local-agent.token');
  mkdirSync(dataDir, { recursive: true });

  const controller = startChild([CONTROLLER_MAIN, 'serve', '--data-dir', dataDir, ...args], env, out, (line) => controller.scan?.(line));
  const children = [controller];
  const stopAll = async (signal = 'SIGTERM') => {
    // The agent first, so it can release its tasks to a controller that is still there.
    for (const child of children.slice().reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill(signal);
      const force = setTimeout(() => child.kill('SIGKILL'), 45_000);
      await child.exited;
      clearTimeout(force);
    }
  };
  try {
    const ready = await controllerReady(controller, startTimeoutMs);
    let adminToken = ready.adminToken;
    if (adminToken !== undefined) writeSecret(adminTokenFile, adminToken);
    else adminToken = readSecret(adminTokenFile);

    const docker = await localDocker(env);
    let agent;
    if (docker.reachable) {
      let agentToken = readSecret(agentTokenFile);
      if (agentToken === undefined) {
        if (adminToken === undefined) throw new Error(`no admin token in ${adminTokenFile} to create the local agent's token with`);
        agentToken = await createAgentToken(ready.url, adminToken, LOCAL_HOST_ID);
        writeSecret(agentTokenFile, agentToken);
      }
      agent = startChild(
        [AGENT_MAIN, '--host-id', LOCAL_HOST_ID, '--controller', ready.url, '--docker-host', docker.dockerHost],
        { ...env, GRAPHIUM_AGENT_TOKEN: agentToken },
        out,
      );
      children.push(agent);
    }
    out.write(banner({ url: ready.url, adminToken, adminTokenFile, dataDir, agent: agent !== undefined, docker }));

    let stopping;
    const stop = (signal) => (stopping ??= stopAll(signal));
    const exited = (async () => {
      const code = await controller.exited;
      await stop();
      return stopping === undefined ? code : 0;
    })();
    return { url: ready.url, adminToken, dataDir, agent, controller, stop, exited };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The command: start, print, and stop cleanly on Ctrl-C / SIGTERM. */
export async function runStart(args = process.argv.slice(2)) {
  let graphium;
  try {
    graphium = await startGraphium({ args });
  } catch (error) {
    console.error(`✗ ${error.message}`);
    process.exit(1);
  }
  let signals = 0;
  const onSignal = () => {
    signals += 1;
    if (signals === 1) {
      process.stdout.write('\nstopping Graphium (agent, then controller)…\n');
      void graphium.stop('SIGTERM');
    } else {
      // Each child exits at once on its second signal.
      for (const child of [graphium.agent, graphium.controller]) child?.kill('SIGTERM');
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // If this script dies anyway, do not leave the children behind.
  process.on('exit', () => {
    for (const child of [graphium.agent, graphium.controller]) if (child && child.exitCode === null) child.kill('SIGKILL');
  });
  process.exit(await graphium.exited);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runStart();
