// The console's shell: login, navigation, one live event stream for the whole session, hash routes to pages.
import { api, ApiError, LiveEvent } from './api';
import { h, mount } from './dom';
import { Page } from './page';
import { dashboardPage } from './pages/dashboard';
import { topologyPage } from './pages/topology';
import { listPage, detailPage } from './pages/lists';
import { routerPage } from './pages/router';
import { formPage } from './pages/forms';
import { RESOURCES } from './resources';

const root = document.getElementById('app')!;
let page: Page | null = null;
let stopEvents: (() => void) | null = null;
let reloadTimer: number | undefined;
let liveConnected = false;
/** The last failed API calls this session has heard of (the dashboard shows them). */
export const lastErrors: LiveEvent[] = [];

function loginView(reason?: string): HTMLElement {
  const error = h('p.error', { role: 'alert' }, reason ?? '');
  const form = h('form.login', {
    onsubmit: async (e: Event) => {
      e.preventDefault();
      const data = new FormData(e.target as HTMLFormElement);
      error.textContent = '';
      try {
        await api.logIn(String(data.get('account')), String(data.get('password')));
        location.hash = '#/';
        start();
      } catch (err) {
        error.textContent = err instanceof ApiError ? `${err.code}: ${err.details || err.description}` : String(err);
      }
    },
  },
  h('h1', 'vrouter'),
  h('label', 'Account', h('input', { name: 'account', value: 'admin', autocomplete: 'username', required: true })),
  h('label', 'Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, autofocus: true })),
  h('button', { type: 'submit' }, 'Log in'),
  error);
  return h('main.login-page', form);
}

function showLogin(reason?: string): void {
  stopEvents?.();
  stopEvents = null;
  page?.dispose?.();
  page = null;
  mount(root, loginView(reason));
}

const nav = [
  ['#/', 'Dashboard'], ['#/topology', 'Topology'],
  ...RESOURCES.filter((r) => !['nics', 'images', 'offerings'].includes(r.key)).map((r) => [`#/list/${r.key}`, r.title]),
];

function shell(content: HTMLElement): HTMLElement {
  const live = h(`span#live.live${liveConnected ? '' : '.off'}`, { title: 'live events from the management node' }, 'live');
  return h('div.shell',
    h('header',
      h('a.brand', { href: '#/' }, 'vrouter'),
      h('nav', nav.map(([href, label]) => h('a', { href, class: location.hash === href || (href !== '#/' && location.hash.startsWith(href)) ? 'active' : '' }, label))),
      live,
      h('button.logout', { onclick: async () => { await api.logOut().catch(() => {}); showLogin('Logged out.'); } }, 'Log out')),
    h('main#page', content));
}

function route(): Page {
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(query ?? '');
  switch (parts[0]) {
    case undefined: return dashboardPage(() => lastErrors);
    case 'topology': return topologyPage();
    case 'list': return listPage(parts[1], params);
    case 'detail': return detailPage(parts[1], parts[2]);
    case 'router': return routerPage(parts[1]);
    case 'create': return formPage(parts[1], params);
    default: return dashboardPage(() => lastErrors);
  }
}

function render(): void {
  if (!api.session) {
    showLogin();
    return;
  }
  page?.dispose?.();
  page = route();
  mount(root, shell(page.el));
  void load(page);
}

async function load(p: Page): Promise<void> {
  try {
    await p.load();
  } catch (e) {
    if (p !== page) return;
    if (e instanceof ApiError && e.status === 401) return; // onSessionLost shows the login
    p.el.prepend(h('p.error', { role: 'alert' }, e instanceof ApiError ? `${e.code}: ${e.details || e.description}` : String(e)));
  }
}

function onEvent(e: LiveEvent): void {
  if (e.kind === 'ERROR') {
    lastErrors.unshift(e);
    lastErrors.length = Math.min(lastErrors.length, 20);
  }
  if (e.kind === 'STATUS') page?.onStatus?.(e);
  // a change anywhere may change what this page shows: reload it once things settle (not once per event)
  if (e.kind !== 'STATUS' || !page?.onStatus) {
    window.clearTimeout(reloadTimer);
    reloadTimer = window.setTimeout(() => { if (page) void load(page); }, 400);
  }
  page?.onEvent?.(e);
}

function start(): void {
  stopEvents?.();
  let connects = 0;
  // the page loads as the stream opens; after a drop, it reloads: what changed meanwhile may be past the replay
  stopEvents = api.events(onEvent, () => { if (connects++ > 0 && page) void load(page); }, (connected) => {
    liveConnected = connected;
    document.getElementById('live')?.classList.toggle('off', !connected);
  });
  render();
}

api.onSessionLost = (reason) => showLogin(`Your session ended: ${reason}`);
window.addEventListener('hashchange', () => { if (api.session) render(); });
if (api.session) start();
else showLogin();
