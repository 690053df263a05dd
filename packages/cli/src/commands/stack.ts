/** `graphium stack …`: deploy, plan, ls, status, stop, start, rm. */
import type { Issue } from '@graphium/shared';
import type { PlanPreview, StackView } from '../client.js';
import { readDefinition } from '../definitionFile.js';
import { CliError } from '../errors.js';
import { ago, dash, signed } from '../output/format.js';
import { progressView, type Goal } from '../output/progress.js';
import { renderTable } from '../output/table.js';
import { waitForStack } from '../wait.js';
import { printJson, stackIdOf, type CommandContext } from './context.js';

export interface WaitFlags {
  wait?: boolean;
  /** Seconds; default 600. */
  timeout?: number;
}

export interface DeployFlags extends WaitFlags {
  /** `--var KEY=VALUE`: compose variables that win over the environment. */
  vars?: Record<string, string>;
}

const DEFAULT_TIMEOUT_SECONDS = 600;

export async function deployStack(ctx: CommandContext, file: string, flags: DeployFlags = {}): Promise<void> {
  const definition = readDefinition(file, ctx.env, flags.vars);
  const deployed = await ctx.client.deployStack(definition);
  printWarnings(ctx, deployed.warnings);
  if (flags.wait !== true) {
    if (ctx.json) printJson(ctx, deployed);
    else ctx.io.out(`deploying stack ${deployed.name} (generation ${deployed.generation}, ${deployed.taskIds.length} container(s)); follow it with: graphium stack status ${deployed.name}\n`);
    return;
  }
  if (!ctx.json) ctx.io.out(`deploying stack ${deployed.name} (generation ${deployed.generation})\n`);
  await waitAndReport(ctx, deployed.stackId, 'running', flags);
}

export async function planStack(ctx: CommandContext, file: string, flags: { vars?: Record<string, string> } = {}): Promise<void> {
  const preview = await ctx.client.planStack(readDefinition(file, ctx.env, flags.vars));
  printWarnings(ctx, preview.warnings);
  if (ctx.json) printJson(ctx, preview);
  else ctx.io.out(renderPlan(preview));
}

export function renderPlan(preview: PlanPreview): string {
  const rows = Object.entries(preview.placements).map(([container, placement]) => {
    const why = preview.explanation[container];
    const chosen = why?.top.find((h) => h.hostId === placement.hostId);
    return [
      container,
      placement.hostId,
      placement.hostAddress,
      chosen === undefined ? '-' : String(Math.round(chosen.score * 10) / 10),
      why === undefined ? '-' : `${why.hostsEligible}/${why.hostsEvaluated}`,
      why?.decidedBy ?? '-',
    ];
  });
  let text = `stack ${preview.name} (${preview.format}), strategy ${preview.strategy}: nothing deployed\n\n`;
  text += renderTable(['container', 'host', 'address', 'score', 'eligible', 'decided by'], rows);
  for (const [container, why] of Object.entries(preview.explanation)) {
    const lines = why.top.map((host) => {
      const terms = host.terms.map((t) => (t.name === 'base' ? `base ${t.value}` : `${t.name} ${signed(t.value)}`)).join(', ');
      return [`    ${host.hostId}`, String(Math.round(host.score * 10) / 10), terms];
    });
    const filtered = why.filtered.map((f) => [`    ${f.hostId}`, `filtered (${f.reason})`, f.message]);
    if (why.filteredOmitted > 0) filtered.push(['    …', `${why.filteredOmitted} more filtered`, countsOf(why.filteredCounts)]);
    text += `\n  ${container}:\n${renderTable(['    host', 'score', 'terms / reason'], [...lines, ...filtered])}`;
  }
  return text;
}

function countsOf(counts: Partial<Record<string, number>>): string {
  return Object.entries(counts)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
}

export async function listStacks(ctx: CommandContext): Promise<void> {
  const items = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.client.listStacks({ limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
    items.push(...page.items);
    cursor = page.next;
  } while (cursor !== undefined);
  if (ctx.json) {
    printJson(ctx, { items });
    return;
  }
  if (items.length === 0) {
    ctx.io.out('no stacks\n');
    return;
  }
  const now = ctx.now();
  const rows = items.map((s) => [s.name, s.status, String(s.generation), String(s.definition.containers.length), s.sourceFormat, ago(s.dateModified, now), dash(s.errorMessage)]);
  ctx.io.out(renderTable(['name', 'status', 'gen', 'containers', 'format', 'updated', 'error'], rows));
}

export async function showStack(ctx: CommandContext, idOrName: string): Promise<void> {
  const view = await ctx.client.getStack(stackIdOf(idOrName));
  if (ctx.json) printJson(ctx, view);
  else ctx.io.out(renderStack(view, ctx.now()));
}

export function renderStack({ stack, deployment }: StackView, now: number): string {
  const lines = [
    `stack       ${stack.name} (${stack['@id']})`,
    `status      ${stack.status}${deployment === undefined ? '' : ` (${Math.round(deployment.progress)}%, ${deployment.phase})`}`,
    `generation  ${stack.generation}, last action ${stack.action}, ${stack.sourceFormat}, updated ${ago(stack.dateModified, now)}`,
  ];
  if (deployment !== undefined) lines.push(`strategy    ${deployment.strategy}`);
  if (stack.errorMessage !== undefined) lines.push(`error       ${stack.errorMessage}`);
  let text = `${lines.join('\n')}\n`;
  const placements = Object.entries(deployment?.placements ?? {});
  if (placements.length > 0) {
    const rows = placements.map(([name, p]) => [
      name,
      p.hostId,
      p.hostAddress,
      p.status,
      p.ports.map((port) => `${port.hostPort}->${port.containerPort}/${port.protocol}`).join(',') || '-',
      p.containerId === undefined ? '-' : p.containerId.slice(0, 12),
      p.error === undefined ? '-' : `${p.error.code}: ${p.error.message}`,
    ]);
    text += `\n${renderTable(['container', 'host', 'address', 'status', 'ports', 'container id', 'error'], rows)}`;
  }
  return text;
}

export type StackAction = 'stop' | 'start' | 'rm';

const GOAL: Record<StackAction, Goal> = { stop: 'stopped', start: 'running', rm: 'deleted' };
const VERB: Record<StackAction, string> = { stop: 'stopping', start: 'starting', rm: 'removing' };

export async function actOnStack(ctx: CommandContext, action: StackAction, idOrName: string, flags: WaitFlags = {}): Promise<void> {
  const id = stackIdOf(idOrName);
  const call = { stop: () => ctx.client.stopStack(id), start: () => ctx.client.startStack(id), rm: () => ctx.client.removeStack(id) }[action];
  const view = await call();
  if (flags.wait !== true) {
    if (ctx.json) printJson(ctx, view);
    else ctx.io.out(`${VERB[action]} stack ${view.stack.name}: ${view.stack.status}\n`);
    return;
  }
  if (!ctx.json) ctx.io.out(`${VERB[action]} stack ${view.stack.name}\n`);
  await waitAndReport(ctx, id, GOAL[action], flags);
}

/** Shows progress until the goal, then the result; a failed operation is a CliError('failed') with the reason. */
async function waitAndReport(ctx: CommandContext, stackId: string, goal: Goal, flags: WaitFlags): Promise<void> {
  const progress = ctx.json ? undefined : progressView(ctx.io, goal);
  const outcome = await waitForStack(ctx.client, stackId, {
    goal,
    timeoutMs: (flags.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    onUpdate: (view) => progress?.update(view),
  });
  progress?.finish();
  if (ctx.json) printJson(ctx, outcome.view ?? { stackId, deleted: true });
  if (!outcome.ok) throw new CliError('failed', outcome.reason);
  if (!ctx.json) ctx.io.out(goal === 'deleted' ? `stack ${stackId} deleted\n` : `stack ${outcome.view?.stack.name ?? stackId} is ${goal}\n`);
}

function printWarnings(ctx: CommandContext, warnings: readonly Issue[]): void {
  for (const w of warnings) ctx.io.err(`warning: ${w.path === '' ? '' : `${w.path}: `}${w.message}\n`);
}
