/**
 * The command tree (commander). Each action builds its context from the global options — config resolved
 * once here, at the edge — and calls a command function; `run` turns whatever goes wrong into a message
 * and an exit code (see errors.ts).
 */
import { homedir } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { GraphiumClient } from './client.js';
import { actOnStack, deployStack, listStacks, planStack, showStack, type StackAction } from './commands/stack.js';
import type { CommandContext } from './commands/context.js';
import { drainHost, listHosts } from './commands/host.js';
import { actOnTask, listTasks, taskStats } from './commands/task.js';
import { resolveConfig, DEFAULT_CONTROLLER } from './config.js';
import { parseVariableFlag } from './definitionFile.js';
import { CliError, EXIT_CODES } from './errors.js';
import { renderError, renderErrorJson } from './output/errorReport.js';
import type { Io } from './output/io.js';

export interface RunOptions {
  io: Io;
  env: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
  now?: () => number;
}

interface GlobalFlags {
  controller?: string;
  token?: string;
  config?: string;
  json?: boolean;
}

/** Runs one command line (without `node graphium`) and answers its exit code. */
export async function run(argv: readonly string[], options: RunOptions): Promise<number> {
  const clients: GraphiumClient[] = [];
  let json = argv.includes('--json');
  const program = buildProgram(options, (flags) => {
    json = flags.json === true;
    const config = resolveConfig({ flags, env: options.env, homeDir: options.homeDir ?? homedir() });
    const client = new GraphiumClient({ baseUrl: config.controller, token: config.token });
    clients.push(client);
    return { client, io: options.io, json, env: options.env, now: options.now ?? Date.now };
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end here too, successfully; commander has already printed its message.
      return error.exitCode === 0 ? 0 : EXIT_CODES.usage;
    }
    const failure = error instanceof CliError ? error : new CliError('failed', `unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    options.io.err(json ? renderErrorJson(failure) : renderError(failure));
    return failure.exitCode;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds above 0');
  return n;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('expected a whole number from 1 to 1000');
  return n;
}

export function buildProgram(options: RunOptions, contextOf: (flags: GlobalFlags) => CommandContext): Command {
  const program = new Command('graphium')
    .description('Deploy and operate multi-container stacks on a Graphium controller')
    .version('0.1.0')
    .option('--controller <url>', `controller URL (env GRAPHIUM_CONTROLLER, default ${DEFAULT_CONTROLLER})`)
    .option('--token <token>', 'API token (env GRAPHIUM_TOKEN)')
    .option('--config <file>', 'JSON config file {controller, token} (env GRAPHIUM_CLI_CONFIG, default ~/.config/graphium/config.json)')
    .option('--json', 'print the API\'s JSON instead of tables')
    .addHelpText('after', '\nSettings: flags > environment > config file > defaults.\nExit codes: 0 ok, 1 operation failed, 2 usage, 3 API error, 4 controller unreachable, 5 --wait timed out.')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (text) => options.io.out(text), writeErr: (text) => options.io.err(text) });

  const ctx = (command: Command): CommandContext => contextOf(command.optsWithGlobals<GlobalFlags>());
  const waitOption = () => new Option('--timeout <seconds>', 'give up waiting after this long (default 600)').argParser(seconds);
  const varOption = () =>
    new Option('--var <KEY=VALUE>', 'compose variable, repeatable; wins over the environment').argParser((value: string, previous?: Record<string, string>) =>
      parseVariableFlag(value, previous),
    );

  const stack = program.command('stack').description('deploy, plan, list, inspect, stop, start and remove stacks');
  stack
    .command('deploy <file>')
    .description('deploy a stack from JSON-LD, an EVE ItemList or a docker-compose file (${VAR}s come from your environment)')
    .option('-w, --wait', 'follow the deploy live until every container runs; exit 1 if one fails')
    .addOption(waitOption())
    .addOption(varOption())
    .action((file: string, flags: { wait?: boolean; timeout?: number; var?: Record<string, string> }, command: Command) =>
      deployStack(ctx(command), file, { wait: flags.wait, timeout: flags.timeout, vars: flags.var }),
    );
  stack
    .command('plan <file>')
    .description('show where each container would go, with scores and reasons; deploys nothing')
    .addOption(varOption())
    .action((file: string, flags: { var?: Record<string, string> }, command: Command) => planStack(ctx(command), file, { vars: flags.var }));
  stack
    .command('ls')
    .description('list stacks')
    .action((_flags: object, command: Command) => listStacks(ctx(command)));
  stack
    .command('status <stack>')
    .description('a stack and its containers (the id stack:web or the name web)')
    .action((id: string, _flags: object, command: Command) => showStack(ctx(command), id));
  const actions: Array<[StackAction, string]> = [
    ['stop', 'stop every container of a stack'],
    ['start', 'start a stopped stack'],
    ['rm', 'remove a stack: its containers, then its record'],
  ];
  for (const [action, description] of actions) {
    stack
      .command(`${action} <stack>`)
      .description(description)
      .option('-w, --wait', 'wait until it is done; exit 1 if it fails')
      .addOption(waitOption())
      .action((id: string, flags: { wait?: boolean; timeout?: number }, command: Command) => actOnStack(ctx(command), action, id, flags));
  }

  const host = program.command('host').description('list and drain Docker hosts');
  host
    .command('ls')
    .description('list hosts with their load')
    .action((_flags: object, command: Command) => listHosts(ctx(command)));
  host
    .command('drain <host>')
    .description('place no new containers on a host')
    .action((id: string, _flags: object, command: Command) => drainHost(ctx(command), id));

  const task = program.command('task').description('inspect and steer the task queue');
  task
    .command('ls')
    .description('list tasks')
    .option('--host <host>', 'only this host\'s tasks')
    .option('--status <status>', 'pending, claimed, running, completed, failed or cancelled')
    .option('--stack <stack>', 'only this stack\'s tasks')
    .option('--type <type>', 'deploy, stop, start, restart or remove')
    .addOption(new Option('--limit <n>', 'at most this many (default 100)').argParser(positiveInteger))
    .action((flags: { host?: string; status?: string; stack?: string; type?: string; limit?: number }, command: Command) =>
      listTasks(ctx(command), flags),
    );
  task
    .command('stats')
    .description('task counts by status, type and host')
    .action((_flags: object, command: Command) => taskStats(ctx(command)));
  for (const action of ['retry', 'cancel'] as const) {
    task
      .command(`${action} <task>`)
      .description(action === 'retry' ? 'queue a failed or cancelled task again' : 'cancel an unfinished task')
      .action((id: string, _flags: object, command: Command) => actOnTask(ctx(command), action, id));
  }
  return program;
}
