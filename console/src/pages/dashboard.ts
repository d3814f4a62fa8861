// Counts, hosts and routers by status, the routers that need attention, the last errors; repainted live.
import { api, Inventory, LiveEvent } from '../api';
import { badge, h, mount, statusClass } from '../dom';
import { Page } from '../page';

const COUNTED: [string, string, string[]][] = [
  ['Zones', 'zones', []], ['Clusters', 'clusters', []], ['Hosts', 'hosts', []], ['L2 networks', 'l2', []],
  ['L3 networks', 'l3', []], ['VMs', 'vms', ['type=UserVm']], ['Virtual routers', 'routers', []],
  ['VIPs', 'vips', []], ['EIPs', 'eips', []], ['Port forwarding', 'port-forwarding', []],
];
const COLLECTION: Record<string, string> = {
  zones: 'zones', clusters: 'clusters', hosts: 'hosts', l2: 'l2-networks', l3: 'l3-networks', vms: 'vm-instances',
  routers: 'vm-instances/appliances/virtual-routers', vips: 'vips', eips: 'eips', 'port-forwarding': 'port-forwarding',
};

export function dashboardPage(errors: () => LiveEvent[]): Page {
  const el = h('section.dashboard');
  let routers: Inventory[] = [];
  let hosts: Inventory[] = [];
  const statusCards = h('div.cards');
  const attention = h('div');
  const errorList = h('div');

  function byStatus(title: string, items: Inventory[], field: string, kind: string): HTMLElement {
    const counts = new Map<string, number>();
    for (const i of items) counts.set(String(i[field]), (counts.get(String(i[field])) ?? 0) + 1);
    return h('div.card.status-card', { 'data-kind': kind },
      h('h3', title),
      [...counts.entries()].sort().map(([s, n]) =>
        h(`a.status-count.${statusClass(s)}`, { href: `#/list/${kind}?q=${encodeURIComponent(`${field}=${s}`)}`, 'data-status': s }, h('b', n), ` ${s}`)));
  }

  function paintStatus(): void {
    mount(statusCards, byStatus('Hosts by status', hosts, 'status', 'hosts'), byStatus('Routers by status', routers, 'status', 'routers'));
    const bad = routers.filter((r) => r.status !== 'Connected');
    mount(attention, h('h2', 'Routers not Connected'),
      bad.length === 0 ? h('p.muted', 'All routers are Connected.') :
        h('table.grid', h('tbody', bad.map((r) => h('tr', { 'data-uuid': r.uuid },
          h('td', h('a', { href: `#/router/${r.uuid}` }, r.name ?? r.uuid)), h('td', badge(r.status)), h('td', badge(r.state)))))));
  }

  function paintErrors(): void {
    const list = errors();
    mount(errorList, h('h2', 'Last errors'),
      list.length === 0 ? h('p.muted', 'No failed API call since the node started.') :
        h('table.grid.errors', h('tbody', list.slice(0, 10).map((e) => h('tr',
          h('td', new Date(e.at).toLocaleTimeString()), h('td', e.resourceType), h('td.code', e.status ?? ''), h('td', e.detail ?? ''))))));
  }

  return {
    el,
    async load() {
      const started = performance.now();
      const counts = await Promise.all(COUNTED.map(([, key, q]) => api.count(COLLECTION[key], q)));
      [routers, hosts] = await Promise.all([
        api.all('vm-instances/appliances/virtual-routers', { fields: ['uuid', 'name', 'status', 'state'] }),
        api.all('hosts', { fields: ['uuid', 'name', 'status', 'state'] }),
      ]);
      mount(el,
        h('h1', 'Dashboard'),
        h('div.cards.counts', COUNTED.map(([label, key], i) => h('a.card.count', { href: `#/list/${key}`, 'data-count': key }, h('b', counts[i]), h('span', label)))),
        statusCards, attention, errorList);
      paintStatus();
      paintErrors();
      el.setAttribute('data-fetch-ms', String(Math.round(performance.now() - started)));
    },
    onStatus(e) {
      const r = routers.find((x) => x.uuid === e.uuid) ?? hosts.find((x) => x.uuid === e.uuid);
      if (r) {
        r.status = e.status ?? r.status;
        paintStatus();
      }
    },
    onEvent(e) {
      if (e.kind === 'ERROR') paintErrors();
    },
  };
}

