/** Pieces several pages draw: the placement table, container progress steps, progress bars, errors. */
import { h, table } from './dom.js';

/** The placement explanation as a table: container → host, score terms, hosts filtered and why. */
export function placementTable(explanation, placements = {}) {
  const names = Object.keys(explanation ?? {});
  const rows = names.map((name) => {
    const ex = explanation[name];
    const chosen = ex.chosen ?? placements[name]?.hostId;
    const best = ex.top?.find((t) => t.hostId === chosen) ?? ex.top?.[0];
    const address = placements[name]?.hostAddress;
    return [
      h('strong', null, name),
      chosen === undefined ? h('span', { class: 'text-error' }, 'not placed') : h('span', null, chosen, address ? h('span', { class: 'muted' }, ` (${address})`) : null),
      best === undefined ? '—' : h('span', { class: 'score' }, String(round(best.score))),
      best === undefined
        ? '—'
        : h('ul', { class: 'terms' }, best.terms.map((t) => h('li', { title: t.detail ?? '' }, h('span', null, t.name), ' ', h('span', { class: t.value < 0 ? 'neg' : 'pos' }, signed(t.value)), t.detail ? h('span', { class: 'muted' }, ` ${t.detail}`) : null))),
      filteredList(ex),
      h('span', null, ex.decidedBy, h('span', { class: 'muted' }, ` · ${ex.hostsEligible}/${ex.hostsEvaluated} hosts eligible`), others(ex, chosen)),
    ];
  });
  return table('Placement', ['Container', 'Host', 'Score', 'Score terms', 'Hosts filtered', 'Decision'], rows, { class: 'placement-table' });
}

function others(ex, chosen) {
  const rest = (ex.top ?? []).filter((t) => t.hostId !== chosen);
  if (rest.length === 0) return null;
  return h('div', { class: 'muted small' }, 'runners-up: ', rest.map((t) => `${t.hostId} ${round(t.score)}`).join(', '));
}

function filteredList(ex) {
  const filtered = ex.filtered ?? [];
  if (filtered.length === 0) return h('span', { class: 'muted' }, 'none');
  return h(
    'ul',
    { class: 'filtered' },
    filtered.map((f) => h('li', null, h('strong', null, f.hostId), ': ', h('span', { class: 'reason' }, f.reason), ' — ', f.message)),
    ex.filteredOmitted > 0 ? h('li', { class: 'muted' }, `… and ${ex.filteredOmitted} more`) : null,
  );
}

function round(n) {
  return Math.round(n * 10) / 10;
}

function signed(n) {
  return `${n >= 0 ? '+' : ''}${round(n)}`;
}

const STEPS = ['pending', 'pulling', 'starting', 'healthy'];
const STEP_OF = {
  pending: 0,
  pulling: 1,
  creating: 2,
  starting: 2,
  'waiting-for-health': 2,
  running: 3,
  healthy: 3,
};

/** pending → pulling → starting → healthy, with the step reached marked (or failed at it). */
export function containerSteps(status) {
  const reached = STEP_OF[status];
  if (reached === undefined && status !== 'failed') return h('span', { class: 'steps-other' }, status);
  return h(
    'ol',
    { class: 'steps', 'aria-label': `progress: ${status}` },
    STEPS.map((step, index) => {
      const label = index === 3 && status === 'running' ? 'running' : index === 2 && status === 'waiting-for-health' ? 'health check' : step;
      const state =
        status === 'failed'
          ? index === 0 ? 'done' : index === 1 ? 'failed' : 'todo'
          : index < reached || (index === reached && index === STEPS.length - 1) ? 'done' : index === reached ? 'current' : 'todo';
      return h('li', { class: `step step-${state}` }, status === 'failed' && index === 1 ? 'failed' : label);
    }),
  );
}

export function progressBar(percent, label) {
  const value = Math.max(0, Math.min(100, Math.round(percent ?? 0)));
  return h(
    'div',
    { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(value), 'aria-label': label },
    h('div', { class: 'bar-fill', style: { width: `${value}%` } }),
  );
}

/** A task or container error with its code and the container's last log lines when it carries them. */
export function errorBlock(error) {
  if (error === undefined || error === null) return null;
  return h(
    'div',
    { class: 'error-block', role: 'note' },
    h('p', null, h('strong', null, error.code ?? 'error'), ': ', error.message ?? ''),
    Array.isArray(error.logs) && error.logs.length > 0
      ? h('details', { open: true }, h('summary', null, `last ${error.logs.length} log lines`), h('pre', { class: 'logs' }, error.logs.join('\n')))
      : null,
  );
}

/** A shortened id with the whole id in a tooltip. */
export function shortId(id, keep = 12) {
  const text = String(id ?? '');
  return h('span', { title: text, class: 'mono' }, text.length > keep + 1 ? `…${text.slice(-keep)}` : text);
}
