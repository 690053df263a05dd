/** Log in with a user (or admin) token; it is checked against the API before it is kept. */
import { h, replace } from '../dom.js';

export function mount(root, { message, onLogin }) {
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false', 'aria-describedby': 'token-help' });
  const status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' }, message ?? '');
  const submit = h('button', { type: 'submit' }, 'Log in');
  const form = h(
    'form',
    { class: 'card login', novalidate: true },
    h('h1', null, 'Log in to Graphium'),
    h('label', { for: 'token' }, 'API token'),
    input,
    h('p', { id: 'token-help', class: 'help' }, 'A user or admin token (', h('code', null, 'controller token create --user <name>'), '). It is kept for this browser tab only.'),
    submit,
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (value === '') {
      status.textContent = 'Enter a token.';
      input.focus();
      return;
    }
    submit.disabled = true;
    status.textContent = 'Checking the token…';
    try {
      const response = await fetch('/api/v1/stacks?limit=1', { headers: { authorization: `Bearer ${value}`, accept: 'application/json' } });
      if (response.ok) {
        onLogin(value);
        return;
      }
      status.textContent =
        response.status === 401
          ? 'This token is not valid.'
          : response.status === 403
            ? 'This token cannot use the user API (an agent token?). Use a user or admin token.'
            : `The controller answered ${response.status}; try again.`;
    } catch {
      status.textContent = 'The controller cannot be reached.';
    }
    submit.disabled = false;
    input.focus();
  });
  replace(root, form);
  input.focus();
  return {};
}
