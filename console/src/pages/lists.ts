// Lists with a zstack-cli filter box, sorting and paging; a generic detail page for any resource.
import { api, ApiError, Inventory } from '../api';
import { badge, h, mount } from '../dom';
import { Page } from '../page';
import { detailHref, resource, RESOURCES } from '../resources';

const PAGE_SIZE = 50;

/** zstack-cli conditions as typed in the box: separated by spaces, each like name~=web or vmNics.ip=10.0.0.5 */
export function parseConditions(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}

export function errorText(e: unknown): string {
  return e instanceof ApiError ? `${e.code}: ${e.details || e.description}` : String(e);
}

export function listPage(key: string, params: URLSearchParams): Page {
  const r = resource(key);
  const filter = params.get('q') ?? '';
  const sort = params.get('sort') ?? '';
  const start = Number(params.get('start') ?? 0);
  const table = h('div.table-wrap');
  const error = h('p.error.filter-error', { role: 'alert' });
  const total = h('span.total');
  const go = (changes: Record<string, string | number>) => {
    const next = new URLSearchParams({ q: filter, sort, start: String(start) });
    for (const [k, v] of Object.entries(changes)) next.set(k, String(v));
    for (const [k, v] of [...next.entries()]) if (!v || v === '0') next.delete(k);
    location.hash = `#/list/${key}${next.toString() ? `?${next}` : ''}`;
  };
  const input = h('input.filter', { type: 'search', name: 'q', value: filter, placeholder: `zstack-cli conditions, e.g. ${r.example}`, 'aria-label': 'filter' }) as HTMLInputElement;
  const el = h('section.list',
    h('div.title-row', h('h1', r.title), total, r.create ? h('a.button', { href: `#/create/${r.create}` }, `New ${r.title.replace(/s$/, '')}`) : null),
    h('form.filter-row', { onsubmit: (e: Event) => { e.preventDefault(); go({ q: input.value.trim(), start: 0 }); } },
      input, h('button', { type: 'submit' }, 'Filter'),
      h('span.hint', 'conditions: = != > >= < <= ~= (like) !~= ?= (in, comma-separated) !?= is null; e.g. ', h('code', r.example))),
    error, table);

  return {
    el,
    async load() {
      let result;
      try {
        result = await api.query(r.collection, { conditions: [...(r.fixed ?? []), ...parseConditions(filter)], sort: sort || undefined, limit: PAGE_SIZE, start, withTotal: true });
      } catch (e) {
        error.textContent = errorText(e);
        mount(table);
        return;
      }
      error.textContent = '';
      const count = result.total ?? result.inventories.length;
      total.textContent = `${count} ${count === 1 ? 'match' : 'matches'}`;
      const header = r.columns.map((c) => {
        const sortable = c.sortable !== false;
        const dir = sort === c.field ? ' ▲' : sort === `-${c.field}` ? ' ▼' : '';
        return h('th', sortable ? h('a', { href: '#', 'data-sort': c.field, onclick: (e: Event) => { e.preventDefault(); go({ sort: sort === c.field ? `-${c.field}` : c.field, start: 0 }); } }, c.label + dir) : c.label);
      });
      mount(table,
        h('table.grid.resources', { 'data-resource': key },
          h('thead', h('tr', header)),
          h('tbody', result.inventories.map((inv) => h('tr', { 'data-uuid': inv.uuid },
            r.columns.map((c, i) => {
              const value = c.render ? c.render(inv) : String(inv[c.field] ?? '');
              return h('td', i === 0 ? h('a', { href: detailHref(r, inv.uuid) }, value || inv.uuid) : value);
            }))))),
        h('div.pager',
          h('button', { disabled: start === 0, onclick: () => go({ start: Math.max(0, start - PAGE_SIZE) }) }, '‹ Previous'),
          h('span', count === 0 ? 'none' : `${start + 1}–${Math.min(start + PAGE_SIZE, count)} of ${count}`),
          h('button', { disabled: start + PAGE_SIZE >= count, onclick: () => go({ start: start + PAGE_SIZE }) }, 'Next ›')));
    },
    onStatus(e) {
      const cell = table.querySelector(`tr[data-uuid="${e.uuid}"] [data-status]`);
      if (cell && (key === 'routers' || key === 'hosts')) cell.replaceWith(badge(e.status));
    },
  };
}

/** Per resource: the APIs a detail page offers as buttons (name, API, params from the inventory). */
const ACTIONS: Record<string, [string, string, (i: Inventory) => Record<string, unknown>][]> = {
  vms: [['Start', 'StartVmInstance', (i) => ({ uuid: i.uuid })], ['Stop', 'StopVmInstance', (i) => ({ uuid: i.uuid })],
    ['Reboot', 'RebootVmInstance', (i) => ({ uuid: i.uuid })], ['Destroy', 'DestroyVmInstance', (i) => ({ uuid: i.uuid })]],
  hosts: [['Reconnect', 'ReconnectHost', (i) => ({ uuid: i.uuid })]],
  eips: [['Detach', 'DetachEip', (i) => ({ uuid: i.uuid })], ['Delete', 'DeleteEip', (i) => ({ uuid: i.uuid })]],
  vips: [['Delete', 'DeleteVip', (i) => ({ uuid: i.uuid })]],
  'port-forwarding': [['Detach', 'DetachPortForwardingRule', (i) => ({ uuid: i.uuid })], ['Delete', 'DeletePortForwardingRule', (i) => ({ uuid: i.uuid })]],
  'vr-offerings': [['Make default', 'UpdateVirtualRouterOffering', (i) => ({ uuid: i.uuid, isDefault: true })], ['Delete', 'DeleteVirtualRouterOffering', (i) => ({ uuid: i.uuid })]],
  l3: [['Delete', 'DeleteL3Network', (i) => ({ uuid: i.uuid })]],
  zones: [['Delete', 'DeleteZone', (i) => ({ uuid: i.uuid })]],
};

/** Buttons calling APIs; the reply's error is shown beside them with its code. */
export function actionBar(actions: [string, string, () => Record<string, unknown>][], after: (apiName: string) => void): HTMLElement {
  const error = h('p.error.action-error', { role: 'alert' });
  return h('div.actions', actions.map(([label, apiName, params]) => h('button', {
    'data-api': apiName,
    onclick: async (e: Event) => {
      const button = e.currentTarget as HTMLButtonElement;
      if (/Destroy|Delete/.test(apiName) && !confirm(`${label}?`)) return;
      button.disabled = true;
      error.textContent = '';
      try {
        await api.call(apiName, params());
        after(apiName);
      } catch (err) {
        error.textContent = errorText(err);
      } finally {
        button.disabled = false;
      }
    },
  }, label)), error);
}

/** An inventory as a definition list; nested objects and lists as small tables. */
export function inventoryView(inv: Record<string, unknown>): HTMLElement {
  return h('dl.inventory', Object.entries(inv).map(([k, v]) => [h('dt', k), h('dd', valueView(k, v))]));
}

function valueView(key: string, v: unknown): Node | string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '—';
    if (typeof v[0] !== 'object') return v.join(', ');
    const cols = [...new Set(v.flatMap((o) => Object.keys(o as object)))].filter((c) => !['createDate', 'lastOpDate'].includes(c));
    return h('table.grid.nested', h('thead', h('tr', cols.map((c) => h('th', c)))),
      h('tbody', v.map((o) => h('tr', cols.map((c) => h('td', fmt((o as Record<string, unknown>)[c])))))));
  }
  if (v && typeof v === 'object') return inventoryView(v as Record<string, unknown>);
  if (['state', 'status'].includes(key)) return badge(v);
  const target = /^(.*)Uuid$/.exec(key);
  if (target && typeof v === 'string') {
    const r = RESOURCES.find((x) => x.key === { zone: 'zones', cluster: 'clusters', host: 'hosts', l2Network: 'l2', l3Network: 'l3', vip: 'vips', vmNic: 'nics', vmInstance: 'vms' }[target[1]]);
    if (r) return h('a', { href: detailHref(r, v) }, v);
  }
  return fmt(v);
}

function fmt(v: unknown): string {
  return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function detailPage(key: string, uuid: string): Page {
  const r = resource(key);
  const el = h('section.detail');
  return {
    el,
    async load() {
      const inv = await api.get(r.collection, uuid);
      if (!inv) {
        mount(el, h('h1', r.title), h('p.error', `No ${r.title.replace(/s$/, '')} ${uuid}: it was deleted, or never existed.`));
        return;
      }
      const actions = (ACTIONS[key] ?? []).map(([label, apiName, params]) => [label, apiName, () => params(inv)] as [string, string, () => Record<string, unknown>]);
      mount(el,
        h('p.crumbs', h('a', { href: `#/list/${key}` }, r.title), ' / '),
        h('h1', inv.name ?? inv.uuid),
        actions.length ? actionBar(actions, (done) => { if (/Destroy|Delete/.test(done)) location.hash = `#/list/${key}`; }) : null,
        inventoryView(inv));
    },
  };
}
