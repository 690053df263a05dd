/**
 * Building DOM from nodes only, never by parsing markup: every string becomes a text node or an attribute value, so data from the
 * API (names, messages, container logs) can never turn into markup.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(el, attrs) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    // Through CSSOM: the Content-Security-Policy refuses style attributes.
    else if (key === 'style') Object.assign(el.style, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value' && 'value' in el) el.value = String(value);
    else if (key === 'checked' || key === 'disabled' || key === 'selected' || key === 'hidden' || key === 'open') {
      if (value === true) el.setAttribute(key, '');
      if (key in el) el[key] = Boolean(value);
    } else el.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** `h('a', {href: '#/x', class: 'link'}, 'text', otherNode)`. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** The same for SVG elements. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A `<table>` inside a scrolling wrapper; `headers` are strings, `rows` arrays of cells (node or text). */
export function table(caption, headers, rows, attrs = {}) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      attrs,
      caption === undefined ? null : h('caption', { class: 'visually-hidden' }, caption),
      h('thead', null, h('tr', null, headers.map((text) => h('th', { scope: 'col' }, text)))),
      h('tbody', null, rows.map((row) => (row instanceof Node ? row : h('tr', null, row.map((cell) => h('td', null, cell)))))),
    ),
  );
}

/** Loading / empty / error states share one look. */
export function notice(kind, message, ...extra) {
  return h('div', { class: ['notice', `notice-${kind}`], role: kind === 'error' ? 'alert' : 'status' }, h('p', null, message), extra);
}

export function badge(status) {
  return h('span', { class: ['badge', `status-${String(status).replace(/[^a-z-]/g, '')}`] }, String(status));
}

/**
 * Asks before a destructive action with a modal <dialog>; resolves true when confirmed.
 * (window.confirm would block the page and cannot be styled or labelled.)
 */
export function confirmAction(title, message, confirmLabel) {
  return new Promise((resolve) => {
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-title' },
      h(
        'form',
        { method: 'dialog' },
        h('h2', { id: 'confirm-title' }, title),
        h('p', null, message),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'submit', value: 'cancel', class: 'secondary' }, 'Go back'),
          h('button', { type: 'submit', value: 'ok', class: 'danger' }, confirmLabel),
        ),
      ),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'ok');
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
