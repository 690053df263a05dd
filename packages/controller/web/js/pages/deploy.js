/**
 * Deploy: paste or upload a definition (JSON-LD, EVE ItemList, compose), Plan shows where every container
 * would go and why, Deploy starts it and opens the stack page. Validation errors are shown beside the line
 * of the definition their path points at.
 */
import { h, replace } from '../dom.js';
import { stackHref } from '../format.js';
import { placementTable } from '../components.js';
import { EXAMPLES } from '../examples.js';
import { locate } from '../locate.js';

const DRAFT_KEY = 'graphium.draft';

export function mount(root, { api, navigate, setTitle }) {
  setTitle('Deploy');
  let filename;
  const draft = sessionStorage.getItem(DRAFT_KEY);
  const editor = h('textarea', {
    id: 'definition',
    name: 'definition',
    rows: '18',
    spellcheck: 'false',
    autocomplete: 'off',
    class: 'code',
    'aria-describedby': 'definition-help',
    placeholder: 'Paste a Graphium JSON-LD stack, an EVE ItemList, or a docker-compose.yml',
  });
  editor.value = draft ?? '';
  editor.addEventListener('input', () => {
    sessionStorage.setItem(DRAFT_KEY, editor.value);
    filename = undefined;
  });

  const format = h(
    'select',
    { id: 'format', name: 'format' },
    h('option', { value: 'auto' }, 'detect'),
    h('option', { value: 'jsonld' }, 'JSON-LD'),
    h('option', { value: 'eve' }, 'EVE ItemList'),
    h('option', { value: 'compose' }, 'Compose (YAML)'),
  );
  const file = h('input', { id: 'file', name: 'file', type: 'file', accept: '.json,.jsonld,.yml,.yaml,application/json,application/yaml,text/yaml' });
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (chosen === undefined) return;
    editor.value = await chosen.text();
    filename = chosen.name;
    sessionStorage.setItem(DRAFT_KEY, editor.value);
    status.textContent = `Loaded ${chosen.name}.`;
  });
  const example = h(
    'select',
    { id: 'example', name: 'example' },
    h('option', { value: '' }, 'insert an example…'),
    Object.entries(EXAMPLES).map(([key, ex]) => h('option', { value: key }, ex.label)),
  );
  example.addEventListener('change', () => {
    const ex = EXAMPLES[example.value];
    if (ex === undefined) return;
    editor.value = ex.text;
    filename = ex.filename;
    format.value = 'auto';
    sessionStorage.setItem(DRAFT_KEY, editor.value);
    example.value = '';
    editor.focus();
  });

  const planButton = h('button', { type: 'button', id: 'plan', class: 'secondary' }, 'Plan');
  const deployButton = h('button', { type: 'submit', id: 'deploy' }, 'Deploy');
  const status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  const annotated = h('div', { id: 'problems' });
  const result = h('section', { id: 'plan-result', 'aria-live': 'polite', 'aria-label': 'Plan' });

  const definition = () => ({ text: editor.value, format: format.value, filename });

  async function run(kind) {
    if (editor.value.trim() === '') {
      status.textContent = 'Paste or upload a stack definition first.';
      editor.focus();
      return;
    }
    planButton.disabled = true;
    deployButton.disabled = true;
    status.textContent = kind === 'plan' ? 'Planning…' : 'Deploying…';
    replace(annotated);
    try {
      if (kind === 'plan') {
        const plan = await api.planStack(definition());
        status.textContent = `Plan for "${plan.name}" (${plan.format}, strategy ${plan.strategy}): nothing has been started.`;
        replace(
          result,
          h('h2', null, 'Placement'),
          warnings(plan.warnings),
          placementTable(plan.explanation, plan.placements),
        );
      } else {
        const deployed = await api.deployStack(definition());
        sessionStorage.removeItem(DRAFT_KEY);
        navigate(stackHref(deployed.stackId));
        return;
      }
    } catch (error) {
      status.textContent = `${kind === 'plan' ? 'Plan' : 'Deploy'} failed: ${error.message}`;
      showProblems(error);
    } finally {
      planButton.disabled = false;
      deployButton.disabled = false;
    }
  }

  function showProblems(error) {
    const issues = error.details?.errors ?? error.details?.issues ?? [];
    replace(result);
    if (issues.length > 0) replace(annotated, problemsView(editor, issues));
    if (error.details?.explanation !== undefined) {
      replace(result, h('h2', null, 'Why it could not be placed'), placementTable(error.details.explanation, {}));
    }
  }

  planButton.addEventListener('click', () => void run('plan'));
  const form = h(
    'form',
    { class: 'deploy-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'definition' }, 'Stack definition'), editor, h('p', { id: 'definition-help', class: 'help' }, 'JSON-LD, EVE ItemList or docker-compose YAML. The format is detected from the content unless chosen below.')),
    h(
      'div',
      { class: 'toolbar wrap' },
      h('label', { for: 'file' }, 'Upload'),
      file,
      h('label', { for: 'format' }, 'Format'),
      format,
      h('label', { for: 'example', class: 'visually-hidden' }, 'Example'),
      example,
    ),
    h('div', { class: 'toolbar' }, planButton, deployButton),
    status,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run('deploy');
  });

  replace(root, h('div', { class: 'page-head' }, h('h1', null, 'Deploy a stack')), form, annotated, result);
  return {};
}

function warnings(list) {
  if (!Array.isArray(list) || list.length === 0) return null;
  return h('ul', { class: 'warnings', 'aria-label': 'Warnings' }, list.map((w) => h('li', null, w.path ? h('code', null, w.path) : null, w.path ? ': ' : '', w.message)));
}

/** The definition, line by line, with each error placed under the line its path points at. */
function problemsView(editor, issues) {
  const text = editor.value;
  const lines = text.split('\n');
  const byLine = new Map();
  const unplaced = [];
  for (const issue of issues) {
    const where = issue.path ? locate(text, issue.path) : undefined;
    if (where === undefined) unplaced.push(issue);
    else byLine.set(where.line, [...(byLine.get(where.line) ?? []), { ...issue, exact: where.exact }]);
  }
  const select = (line) => {
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    editor.focus();
    editor.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    const lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 18;
    editor.scrollTop = Math.max(0, (line - 3) * lineHeight);
  };
  const fieldError = (issue) =>
    h('div', { class: 'field-error', dataset: { path: issue.path } }, h('code', null, issue.path || '(definition)'), ' ', issue.exact === false ? h('span', { class: 'muted' }, '(missing here) ') : null, issue.message);

  const shown = new Set();
  const listing = [];
  for (const [line, list] of [...byLine.entries()].sort((a, b) => a[0] - b[0])) {
    // Two lines of context before each problem line.
    for (let n = Math.max(1, line - 2); n <= line; n += 1) {
      if (shown.has(n)) continue;
      if (shown.size > 0 && !shown.has(n - 1)) listing.push(h('li', { class: 'gap', 'aria-hidden': 'true' }, '⋯'));
      shown.add(n);
      listing.push(h('li', { class: n === line ? 'src has-error' : 'src' }, h('span', { class: 'ln' }, String(n)), h('code', null, lines[n - 1])));
    }
    listing.push(h('li', { class: 'annotation' }, list.map(fieldError), h('button', { type: 'button', class: 'link small', onclick: () => select(line) }, `edit line ${line}`)));
  }
  return h(
    'section',
    { class: 'problems', role: 'alert', 'aria-label': 'Problems in the definition' },
    h('h2', null, `${issues.length} problem${issues.length === 1 ? '' : 's'} in the definition`),
    unplaced.length === 0 ? null : h('div', { class: 'annotation' }, unplaced.map(fieldError)),
    listing.length === 0 ? null : h('ol', { class: 'annotated' }, listing),
  );
}

