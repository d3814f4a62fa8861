// A virtual router: what it is, where it runs, its nics by role, the rules it holds (DHCP, SNAT, EIPs, port
// forwarding), its last sync, and the operator's buttons.
import { api, Inventory, LiveEvent } from '../api';
import { badge, h, mount } from '../dom';
import { Page } from '../page';
import { actionBar, inventoryView } from './lists';

type Nic = Inventory & { ip: string; mac: string; l3NetworkUuid: string; vmInstanceUuid: string; netmask?: string; gateway?: string };

function table(caption: string, cols: string[], rows: (Node | string)[][], testid: string): HTMLElement {
  return h('section.rules', { 'data-testid': testid }, h('h2', `${caption} (${rows.length})`),
    rows.length === 0 ? h('p.muted', 'none') :
      h('table.grid', h('thead', h('tr', cols.map((c) => h('th', c)))), h('tbody', rows.map((r) => h('tr', r.map((c) => h('td', c)))))));
}

export function routerPage(uuid: string): Page {
  const el = h('section.router', { 'data-uuid': uuid });
  const statusCell = h('span.router-status');
  const lastSync = h('span.last-sync');
  let lastConnected: number | null = null;

  return {
    el,
    async load() {
      const r = await api.get<Inventory & { vmNics: Nic[]; status: string; state: string }>('vm-instances/appliances/virtual-routers', uuid);
      if (!r) {
        mount(el, h('h1', 'Virtual router'), h('p.error', `No virtual router ${uuid}: it was destroyed, or never existed.`));
        return;
      }
      const roleOf = (n: Nic) => n.l3NetworkUuid === r.managementNetworkUuid ? 'management' : n.l3NetworkUuid === r.publicNetworkUuid ? 'public' : 'guest';
      const guestL3s = r.vmNics.filter((n) => roleOf(n) === 'guest').map((n) => n.l3NetworkUuid);
      const publicNic = r.vmNics.find((n) => roleOf(n) === 'public');
      const [l3s, host, guestNics] = await Promise.all([
        api.all('l3-networks', { conditions: [`uuid?=${r.vmNics.map((n) => n.l3NetworkUuid).join(',')}`] }),
        r.hostUuid ? api.get('hosts', String(r.hostUuid)) : Promise.resolve(null),
        guestL3s.length ? api.all<Nic>('vm-instances/nics', { conditions: [`l3NetworkUuid?=${guestL3s.join(',')}`] }) : Promise.resolve([] as Nic[]),
      ]);
      const userNics = guestNics.filter((n) => n.vmInstanceUuid !== uuid);
      const nicUuids = userNics.map((n) => n.uuid);
      const [vms, eips, pfs] = nicUuids.length ? await Promise.all([
        api.all('vm-instances', { conditions: [`uuid?=${[...new Set(userNics.map((n) => n.vmInstanceUuid))].join(',')}`], fields: ['uuid', 'name', 'state'] }),
        api.all('eips', { conditions: [`vmNicUuid?=${nicUuids.join(',')}`] }),
        api.all('port-forwarding', { conditions: [`vmNicUuid?=${nicUuids.join(',')}`] }),
      ]) : [[], [], []];
      const l3 = new Map(l3s.map((l) => [l.uuid, l]));
      const vm = new Map(vms.map((v) => [v.uuid, v]));
      userNics.sort((a, b) => String(vm.get(a.vmInstanceUuid)?.name ?? '').localeCompare(String(vm.get(b.vmInstanceUuid)?.name ?? '')) || a.ip.localeCompare(b.ip));
      const services = (l: Inventory | undefined) => ((l?.networkServices as Inventory[] | undefined) ?? []).map((s) => String(s.networkServiceType));
      mount(statusCell, badge(r.status));
      const connectedAt = lastConnected ?? (r.status === 'Connected' ? Date.parse(String(r.lastOpDate)) : NaN);
      lastSync.textContent = Number.isNaN(connectedAt) ? 'not since the node started' : new Date(connectedAt).toLocaleString();
      mount(el,
        h('p.crumbs', h('a', { href: '#/list/routers' }, 'Virtual routers'), ' / '),
        h('h1', r.name ?? uuid, ' ', statusCell, ' ', badge(r.state)),
        h('p', 'Runs on ', host ? h('a', { href: `#/detail/hosts/${host.uuid}` }, String(host.name)) : '—',
          ' · last full sync (Connected): ', lastSync),
        actionBar([
          ['Reconnect', 'ReconnectVirtualRouter', () => ({ vmInstanceUuid: uuid })],
          ['Start', 'StartVmInstance', () => ({ uuid })], ['Stop', 'StopVmInstance', () => ({ uuid })],
          ['Reboot', 'RebootVmInstance', () => ({ uuid })], ['Destroy', 'DestroyVmInstance', () => ({ uuid })],
        ], (done) => { if (done === 'DestroyVmInstance') location.hash = '#/list/routers'; }),
        table('Nics', ['role', 'L3', 'IP', 'netmask', 'gateway', 'MAC'], r.vmNics.map((n) => [roleOf(n),
          h('a', { href: `#/detail/l3/${n.l3NetworkUuid}` }, String(l3.get(n.l3NetworkUuid)?.name ?? n.l3NetworkUuid)), n.ip, n.netmask ?? '', n.gateway ?? '', n.mac]), 'nics'),
        table('DHCP entries', ['VM', 'IP', 'MAC', 'L3'], userNics.filter((n) => services(l3.get(n.l3NetworkUuid)).includes('DHCP')).map((n) => [
          h('a', { href: `#/detail/vms/${n.vmInstanceUuid}` }, String(vm.get(n.vmInstanceUuid)?.name ?? n.vmInstanceUuid)), n.ip, n.mac, String(l3.get(n.l3NetworkUuid)?.name ?? '')]), 'dhcp'),
        table('SNAT', ['public address', 'guest L3', 'guest range'], guestL3s.filter((g) => services(l3.get(g)).includes('SNAT')).map((g) => [
          publicNic?.ip ?? '', String(l3.get(g)?.name ?? g), ((l3.get(g)?.ipRanges as Inventory[] | undefined) ?? []).map((x) => String(x.networkCidr ?? '')).join(', ')]), 'snat'),
        table('EIPs', ['name', 'VIP', 'guest IP', 'state'], eips.map((e) => [h('a', { href: `#/detail/eips/${e.uuid}` }, String(e.name)), String(e.vipIp), String(e.guestIp ?? ''), badge(e.state)]), 'eips'),
        table('Port forwarding', ['name', 'protocol', 'VIP', 'ports', 'guest IP', 'allowed', 'state'], pfs.map((f) => [
          h('a', { href: `#/detail/port-forwarding/${f.uuid}` }, String(f.name)), String(f.protocolType), String(f.vipIp),
          `${f.vipPortStart}-${f.vipPortEnd} → ${f.privatePortStart}-${f.privatePortEnd}`, String(f.guestIp ?? ''), String(f.allowedCidr ?? 'any'), badge(f.state)]), 'pf'),
        h('details', h('summary', 'Inventory'), inventoryView(r)));
    },
    onStatus(e: LiveEvent) {
      if (e.uuid !== uuid) return;
      mount(statusCell, badge(e.status));
      if (e.status === 'Connected') {
        lastConnected = e.at;
        lastSync.textContent = new Date(e.at).toLocaleString();
      }
    },
  };
}
