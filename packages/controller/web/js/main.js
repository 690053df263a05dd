/**
 * Boot and routing. Hash routes (`#/stacks`, `#/stacks/<id>`, `#/deploy`, `#/hosts`, `#/tasks`) need no
 * server-side fallback. One live event stream runs while a user is logged in; the page on screen receives
 * each event and is told to reload its data whenever the stream (re)connects, so nothing missed while the
 * controller was away stays missing. The token lives in sessionStorage: it is gone when the tab closes.
 */
import { createApi } from './api.js';
import { h, replace } from './dom.js';
import { LiveEvents } from './sse.js';
import * as login from './pages/login.js';
import * as stacks from './pages/stacks.js';
import * as stack from './pages/stack.js';
import * as deploy from './pages/deploy.js';
import * as hosts from './pages/hosts.js';
import * as tasks from './pages/tasks.js';

const TOKEN_KEY = 'graphium.token';
const main = document.getElementById('main');
const nav = document.getElementById('nav');
const session = document.getElementById('session');
const liveLabel = document.getElementById('live');

let current;
let live;
let lastLiveState;

const token = () => sessionStorage.getItem(TOKEN_KEY) ?? '';

function logout(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  live?.stop();
  live = undefined;
  render(message);
}

const api = createApi({ token, onUnauthorized: () => logout('Your token was refused; log in again.') });

const LIVE_TEXT = { connecting: 'connecting…', open: 'live', reconnecting: 'reconnecting…', stopped: 'offline' };

function startLive() {
  live = new LiveEvents({
    token,
    onEvent: (event) => current?.onEvent?.(event),
    onState: (state) => {
      liveLabel.textContent = LIVE_TEXT[state] ?? state;
      liveLabel.dataset.state = state;
      // Back after a gap (controller restart, network): reload what is on screen.
      if (state === 'open' && lastLiveState !== undefined && lastLiveState !== 'open') current?.onReconnect?.();
      if (state !== 'connecting') lastLiveState = state;
    },
    onUnauthorized: () => logout('Your token was refused; log in again.'),
  });
  live.start();
}

function parseRoute() {
  const raw = window.location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  return { parts, query: new URLSearchParams(query) };
}

function pageFor(parts) {
  switch (parts[0]) {
    case undefined:
    case 'stacks':
      return parts[1] === undefined ? stacks : stack;
    case 'deploy':
      return deploy;
    case 'hosts':
      return hosts;
    case 'tasks':
      return tasks;
    default:
      return undefined;
  }
}

function render(message) {
  current?.dispose?.();
  current = undefined;
  const loggedIn = token() !== '';
  nav.hidden = !loggedIn;
  session.hidden = !loggedIn;
  if (!loggedIn) {
    document.title = 'Log in · Graphium';
    current = login.mount(main, {
      message,
      onLogin: (value) => {
        sessionStorage.setItem(TOKEN_KEY, value);
        lastLiveState = undefined;
        startLive();
        render();
      },
    });
    return;
  }
  if (live === undefined) startLive();
  const route = parseRoute();
  const page = pageFor(route.parts);
  for (const link of nav.querySelectorAll('a')) {
    const active = link.dataset.nav === (route.parts[0] ?? 'stacks');
    if (active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (page === undefined) {
    document.title = 'Not found · Graphium';
    replace(main, h('h1', null, 'Page not found'), h('p', null, h('a', { href: '#/stacks' }, 'Go to the stacks')));
    return;
  }
  current = page.mount(main, {
    api,
    route,
    navigate: (hash) => {
      window.location.hash = hash;
    },
    setTitle: (title) => {
      document.title = `${title} · Graphium`;
    },
  });
}

document.getElementById('logout').addEventListener('click', () => logout('Logged out.'));
window.addEventListener('hashchange', () => render());
render();
