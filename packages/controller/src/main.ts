#!/usr/bin/env node
/**
 * `controller serve` runs the HTTP API, task queue and monitors; `controller token create` asks a running
 * controller for a new token. Flags, environment and config file meet in loadConfig (config.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { isAppError } from '@graphium/shared';
import { loadConfig } from './config.js';
import { startController } from './server.js';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a whole number');
  return n;
}

const program = new Command('controller')
  .description('Graphium controller: HTTP API, web UI and task queue')
  .showHelpAfterError();

program
  .command('serve')
  .description('serve the HTTP API and the task queue (embedded store unless --couchdb-url is given)')
  .option('--config <file>', 'JSON config file (env GRAPHIUM_CONFIG)')
  .option('--port <port>', 'HTTP port (env GRAPHIUM_PORT, default 8095)', integer)
  .option('--host <address>', 'address to listen on (env GRAPHIUM_HOST, default 0.0.0.0)')
  .option('--data-dir <dir>', 'embedded store data directory (env GRAPHIUM_DATA_DIR, default .graphium/data)')
  .option('--couchdb-url <url>', 'use this CouchDB instead of the embedded store (env COUCHDB_URL)')
  .option('--db-prefix <prefix>', 'database name prefix (env GRAPHIUM_DB_PREFIX, default graphium_)')
  .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env GRAPHIUM_LOG_LEVEL)')
  .option('--failover <on|off>', 'move automatically placed containers off offline hosts (env GRAPHIUM_FAILOVER, default on)')
  .action(async (options: Record<string, unknown>) => {
    const config = loadConfig({
      file: options.config as string | undefined,
      env: process.env,
      flags: {
        port: options.port,
        host: options.host,
        dataDir: options.dataDir,
        couchdbUrl: options.couchdbUrl,
        dbPrefix: options.dbPrefix,
        logLevel: options.logLevel,
        failover: options.failover,
      },
    });
    // Built, the store gets a thread of its own; run from source (tsx) it shares the main thread.
    const storeWorker = new URL('./store/embeddedWorker.js', import.meta.url);
    // The web UI's files sit beside dist/ (packages/controller/web), whether run built or from source.
    const webDir = fileURLToPath(new URL('../web', import.meta.url));
    const controller = await startController(config, {
      storeWorker: existsSync(storeWorker) ? storeWorker : undefined,
      webDir: existsSync(webDir) ? webDir : undefined,
    });
    if (controller.adminToken !== undefined) {
      // Shown once: only its hash is stored.
      process.stdout.write(
        [
          '',
          `Graphium controller on ${controller.url}`,
          `Admin token (shown only now, keep it): ${controller.adminToken}`,
          `  export GRAPHIUM_TOKEN=${controller.adminToken}`,
          `Attach a Docker host: controller token create --agent <hostId>, then on that host`,
          `  agent --host-id <hostId> --controller ${controller.url} --token <agent token>`,
          '',
        ].join('\n'),
      );
    }
    let signals = 0;
    const shutdown = (signal: string) => {
      signals += 1;
      if (signals > 1) process.exit(1); // second signal: stop waiting
      controller.log.info({ event: 'controller.stopping', signal });
      controller.close().then(
        () => process.exit(0),
        (error: unknown) => {
          controller.log.error({ event: 'controller.stop_failed', err: error });
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });

const token = program.command('token').description('manage API and agent tokens');
token
  .command('create')
  .description('create a token (printed once) through a running controller; needs an admin token')
  .option('--agent <hostId>', 'an agent token bound to this host id')
  .option('--user <name>', 'a user/API token')
  .option('--controller <url>', 'controller URL (env GRAPHIUM_CONTROLLER)', process.env.GRAPHIUM_CONTROLLER ?? 'http://localhost:8095')
  .option('--token <token>', 'admin token (env GRAPHIUM_TOKEN)', process.env.GRAPHIUM_TOKEN)
  .action(async (options: { agent?: string; user?: string; controller: string; token?: string }) => {
    if ((options.agent === undefined) === (options.user === undefined)) {
      throw new InvalidArgumentError('give exactly one of --agent <hostId> or --user <name>');
    }
    if (options.token === undefined) throw new InvalidArgumentError('an admin token is needed: --token or GRAPHIUM_TOKEN');
    const body =
      options.agent !== undefined
        ? { kind: 'agent', name: options.agent, hostId: options.agent }
        : { kind: 'user', name: options.user };
    const response = await fetch(new URL('/api/v1/tokens', options.controller), {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json().catch(() => ({}))) as { token?: string; error?: { message?: string } };
    if (!response.ok || answer.token === undefined) {
      throw new Error(`the controller refused (${response.status}): ${answer.error?.message ?? 'no detail'}`);
    }
    process.stdout.write(`${answer.token}\n`);
  });

program.parseAsync().catch((error: unknown) => {
  const message = isAppError(error) || error instanceof Error ? error.message : String(error);
  process.stderr.write(`controller: ${message}\n`);
  process.exit(isAppError(error) ? 2 : 1);
});
