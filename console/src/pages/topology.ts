// The cloud as a graph: zone, clusters and hosts on the left; the management and public L3s on top; one block per
// guest L3 with its virtual router above it and its VMs below, EIPs and forwarded ports beside their VM. Cytoscape
// draws, pans, zooms and picks; this page only says where each block goes (a grid of blocks), so a thousand VMs are
// placed in a few milliseconds instead of a force layout's seconds.
import cytoscape, { Core, ElementDefinition } from 'cytoscape';
import { api, Inventory } from '../api';
import { badge, h, mount } from '../dom';
import { Page } from '../page';

type Nic = { uuid: string; ip: string; l3NetworkUuid: string; vmInstanceUuid: string };
type Vm = Inventory & { vmNics: Nic[]; hostUuid?: string; state: string };
type Router = Vm & { status: string; managementNetworkUuid: string; publicNetworkUuid: string };

const CELL = 70;
const VMS_PER_ROW = 5;
const BLOCK_W = CELL * VMS_PER_ROW + 80;

export interface Graph {
  elements: ElementDefinition[];
  routers: Router[];
  l3Name: Map<string, string>;
  hostName: Map<string, string>;
  /** user VMs with a nic on each L3 */
  vmsOn: Map<string, number>;
}

/** Loads everything the picture needs: a dozen queries, the big ones with only the fields drawn. */
export async function loadGraph(): Promise<Graph> {
  const vmFields = ['uuid', 'name', 'state', 'hostUuid', 'vmNics'];
  const [zones, clusters, hosts, l2s, l3s, routers, vms, eips, pfs] = await Promise.all([
    api.all('zones'), api.all('clusters'), api.all('hosts'), api.all('l2-networks'), api.all('l3-networks', { fields: ['uuid', 'name', 'system', 'l2NetworkUuid', 'zoneUuid'] }),
    api.all<Router>('vm-instances/appliances/virtual-routers', { fields: [...vmFields, 'status', 'managementNetworkUuid', 'publicNetworkUuid'] }),
    api.all<Vm>('vm-instances', { conditions: ['type=UserVm'], fields: vmFields }),
    api.all('eips'), api.all('port-forwarding'),
  ]);
  const els: ElementDefinition[] = [];
  const node = (id: string, kind: string, label: string, x: number, y: number, data: Record<string, unknown> = {}) =>
    els.push({ group: 'nodes', data: { id, kind, label, ...data }, position: { x, y }, classes: kind });
  const edge = (source: string, target: string, kind: string, label = '') =>
    els.push({ group: 'edges', data: { id: `${source}>${target}>${kind}`, source, target, kind, label }, classes: kind });

  // infrastructure column
  let y = 0;
  for (const z of zones) { node(z.uuid, 'zone', `zone ${z.name}`, -420, y); y += 110; }
  for (const c of clusters) { node(c.uuid, 'cluster', `cluster ${c.name}`, -420, y); edge(String(c.zoneUuid), c.uuid, 'contains'); y += 110; }
  for (const ho of hosts) {
    node(ho.uuid, 'host', `${ho.name}\n${ho.managementIp}`, -420, y, { status: ho.status });
    edge(String(ho.clusterUuid), ho.uuid, 'contains');
    y += 90;
  }
  // system L3s (and their L2s) across the top
  const systemL3 = l3s.filter((l) => l.system === true);
  const guestL3 = l3s.filter((l) => l.system !== true);
  const l2ById = new Map(l2s.map((l) => [l.uuid, l]));
  const placedL2 = new Set<string>();
  systemL3.forEach((l, i) => {
    node(l.uuid, 'l3 system', `L3 ${l.name}`, i * 520, -160);
    const l2 = l2ById.get(String(l.l2NetworkUuid));
    if (l2 && !placedL2.has(l2.uuid)) {
      placedL2.add(l2.uuid);
      node(l2.uuid, 'l2', `L2 ${l2.name}\n${l2.physicalInterface}`, i * 520, -300);
    }
    if (l2) edge(l2.uuid, l.uuid, 'carries');
  });
  // one block per guest L3: router on top, L3, VMs below; blocks in rows of √n
  const blocks = new Map<string, { x: number; y: number; next: number }>();
  const perRow = Math.max(1, Math.ceil(Math.sqrt(guestL3.length)));
  const vmsByL3 = new Map<string, Vm[]>();
  for (const vm of vms) {
    const first = vm.vmNics[0]?.l3NetworkUuid;
    if (first) vmsByL3.set(first, [...(vmsByL3.get(first) ?? []), vm]);
  }
  let rowY = 120;
  let rowHeight = 0;
  guestL3.forEach((l, i) => {
    if (i > 0 && i % perRow === 0) { rowY += rowHeight; rowHeight = 0; }
    const x = (i % perRow) * BLOCK_W;
    const count = vmsByL3.get(l.uuid)?.length ?? 0;
    rowHeight = Math.max(rowHeight, 260 + Math.ceil(count / VMS_PER_ROW) * CELL);
    blocks.set(l.uuid, { x, y: rowY, next: 0 });
    node(l.uuid, 'l3 guest', `L3 ${l.name}`, x + (BLOCK_W - 80) / 2, rowY + 100);
    const l2 = l2ById.get(String(l.l2NetworkUuid));
    if (l2 && !placedL2.has(l2.uuid)) {
      placedL2.add(l2.uuid);
      node(l2.uuid, 'l2', `L2 ${l2.name}`, x + (BLOCK_W - 80) / 2 + 150, rowY + 100);
      edge(l2.uuid, l.uuid, 'carries');
    }
  });
  const nicOwner = new Map<string, string>();
  const vmPosition = new Map<string, { x: number; y: number }>();
  for (const vm of vms) {
    const block = blocks.get(vm.vmNics[0]?.l3NetworkUuid ?? '');
    const n = block ? block.next++ : 0;
    const x = block ? block.x + (n % VMS_PER_ROW) * CELL : -800;
    const py = block ? block.y + 190 + Math.floor(n / VMS_PER_ROW) * CELL : 0;
    vmPosition.set(vm.uuid, { x, y: py });
    node(vm.uuid, 'vm', `${vm.name}\n${vm.vmNics.map((x) => x.ip).join(' ')}`, x, py,
      { state: vm.state, host: vm.hostUuid, l3s: vm.vmNics.map((n) => n.l3NetworkUuid) });
    vm.vmNics.forEach((nic, i) => {
      nicOwner.set(nic.uuid, vm.uuid);
      // a VM sits in the block of its first nic's L3: a line per VM there would only repeat it (and a thousand
      // edges cost cytoscape more than everything else on the page); its other nics get lines
      if (i > 0) edge(nic.l3NetworkUuid, vm.uuid, 'guest-nic');
    });
  }
  for (const r of routers) {
    const guest = r.vmNics.find((n) => n.l3NetworkUuid !== r.managementNetworkUuid && n.l3NetworkUuid !== r.publicNetworkUuid);
    const block = blocks.get(guest?.l3NetworkUuid ?? '');
    const x = block ? block.x + (BLOCK_W - 80) / 2 : -800;
    const ry = block ? block.y : 0;
    node(r.uuid, 'router', `${r.name}`, x, ry, { status: r.status, state: r.state, host: r.hostUuid });
    for (const nic of r.vmNics) {
      const role = nic.l3NetworkUuid === r.managementNetworkUuid ? 'mgmt' : nic.l3NetworkUuid === r.publicNetworkUuid ? 'public' : 'guest';
      edge(r.uuid, nic.l3NetworkUuid, `nic-${role}`, `${role} ${nic.ip}`);
    }
  }
  for (const e of eips) {
    const vm = nicOwner.get(String(e.vmNicUuid));
    const p = vm ? vmPosition.get(vm) : undefined;
    node(e.uuid, 'eip', `EIP ${e.vipIp}`, (p?.x ?? -800) + 28, (p?.y ?? 0) - 26);
    if (vm) edge(e.uuid, vm, 'eip');
  }
  pfs.forEach((f, i) => {
    const vm = nicOwner.get(String(f.vmNicUuid));
    const p = vm ? vmPosition.get(vm) : undefined;
    node(f.uuid, 'pf', `${String(f.protocolType).toLowerCase()} ${f.vipIp}:${f.vipPortStart}→${f.privatePortStart}`, (p?.x ?? -800) + 28, (p?.y ?? 0) + 26 + (i % 2) * 4);
    if (vm) edge(f.uuid, vm, 'pf');
  });
  return {
    elements: els, routers,
    l3Name: new Map(l3s.map((l) => [l.uuid, String(l.name)])),
    hostName: new Map(hosts.map((x) => [x.uuid, String(x.name)])),
    vmsOn: vms.reduce((m, vm) => {
      for (const l3 of new Set(vm.vmNics.map((n) => n.l3NetworkUuid))) m.set(l3, (m.get(l3) ?? 0) + 1);
      return m;
    }, new Map<string, number>()),
  };
}

const STYLE: cytoscape.StylesheetJson = [
  { selector: 'node', style: { label: 'data(label)', 'font-size': 10, 'text-wrap': 'wrap', 'text-valign': 'bottom', 'text-margin-y': 3,
    'min-zoomed-font-size': 7, width: 22, height: 22, 'background-color': '#8894a8', color: '#1d2733' } },
  { selector: 'node.zone', style: { shape: 'round-rectangle', width: 60, height: 30, 'background-color': '#3a5a8c', 'font-size': 12 } },
  { selector: 'node.cluster', style: { shape: 'round-rectangle', width: 50, height: 26, 'background-color': '#5b7db5' } },
  { selector: 'node.host', style: { shape: 'rectangle', width: 40, height: 26, 'background-color': '#7f9cc9' } },
  { selector: 'node.l2', style: { shape: 'barrel', width: 60, height: 16, 'background-color': '#b9a36c' } },
  { selector: 'node.l3', style: { shape: 'round-rectangle', width: 120, height: 18, 'background-color': '#d9b44a', 'font-size': 11, 'text-valign': 'center', 'text-margin-y': 0 } },
  { selector: 'node.l3.system', style: { width: 260, 'background-color': '#c98a2c' } },
  { selector: 'node.router', style: { shape: 'diamond', width: 40, height: 40, 'background-color': '#2e9e5b', 'font-size': 11, 'font-weight': 'bold' } },
  { selector: 'node.router[status = "Connecting"]', style: { 'background-color': '#e0a020' } },
  { selector: 'node.router[status = "Disconnected"]', style: { 'background-color': '#d23c3c' } },
  { selector: 'node.vm', style: { shape: 'ellipse', 'background-color': '#4f8fd6', 'font-size': 8 } },
  { selector: 'node.vm[state != "Running"]', style: { 'background-color': '#a0a8b4' } },
  { selector: 'node.host[status = "Disconnected"]', style: { 'background-color': '#d23c3c' } },
  { selector: 'node.eip, node.pf', style: { shape: 'tag', width: 12, height: 12, 'background-color': '#9b59b6', 'font-size': 8, 'text-valign': 'center', 'text-halign': 'right', 'text-margin-x': 3, 'text-margin-y': 0 } },
  { selector: 'node.pf', style: { 'background-color': '#16a0a0' } },
  { selector: 'edge', style: { width: 1, 'line-color': '#c4ccd8', 'curve-style': 'haystack' } },
  { selector: 'edge.nic-mgmt, edge.nic-public, edge.nic-guest', style: { 'curve-style': 'straight', 'font-size': 8, 'min-zoomed-font-size': 8, label: 'data(label)', 'text-rotation': 'autorotate', 'text-background-color': '#fff', 'text-background-opacity': 0.8 } },
  { selector: 'edge.nic-mgmt', style: { 'line-color': '#c98a2c', 'line-style': 'dashed', opacity: 0.5 } },
  { selector: 'edge.nic-public', style: { 'line-color': '#c98a2c', opacity: 0.6 } },
  { selector: 'edge.nic-guest', style: { 'line-color': '#2e9e5b', width: 2 } },
  { selector: 'edge.eip, edge.pf', style: { 'line-color': '#9b59b6' } },
  { selector: '.dim', style: { opacity: 0.12 } },
  { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#111' } },
];

/** cy.fit without measuring every label (which costs as much as drawing them): node positions are what matter. */
function fit(cy: Core, container: HTMLElement, padding: number): void {
  const bb = cy.nodes().boundingBox({ includeLabels: false, includeOverlays: false });
  const w = container.clientWidth - 2 * padding;
  const hgt = container.clientHeight - 2 * padding;
  const zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), Math.min(w / Math.max(1, bb.w), hgt / Math.max(1, bb.h))));
  cy.viewport({ zoom, pan: { x: (container.clientWidth - zoom * (bb.x1 + bb.x2)) / 2, y: (container.clientHeight - zoom * (bb.y1 + bb.y2)) / 2 } });
}

/**
 * A reload in place: only what changed is touched (cytoscape restyles only those), so the user's pan and zoom stay
 * and a reload after each change does not hold the page for the whole graph's time.
 */
function update(cy: Core, elements: ElementDefinition[]): void {
  const wanted = new Map(elements.map((e) => [String(e.data.id), e]));
  cy.batch(() => {
    cy.elements().forEach((e) => {
      if (!wanted.has(e.id())) e.remove();
    });
    for (const [id, def] of wanted) {
      const existing = cy.getElementById(id);
      if (existing.empty()) {
        cy.add(def);
        continue;
      }
      for (const [k, v] of Object.entries(def.data)) {
        if (existing.data(k) !== v) existing.data(k, v);
      }
      const p = def.position;
      if (p && existing.isNode()) {
        const now = existing.position();
        if (now.x !== p.x || now.y !== p.y) existing.position(p);
      }
    }
  });
}

export function topologyPage(): Page {
  const canvas = h('div.graph', { 'data-testid': 'topology' });
  const info = h('aside.info', h('p.muted', 'Click a node for its details; a host shows what runs on it. Scroll to zoom, drag to pan.'));
  const routerTable = h('div.router-summary');
  const el = h('section.topology', h('h1', 'Topology'), h('div.topology-body', canvas, info), routerTable);
  let cy: Core | null = null;
  let graph: Graph | null = null;

  function showInfo(id: string): void {
    if (!cy || !graph) return;
    const n = cy.getElementById(id);
    const kind = String(n.data('kind'));
    cy.elements().removeClass('dim');
    if (kind === 'host') {
      // where things run: everything not on this host fades
      const on = cy.nodes().filter((x) => x.data('host') === id);
      cy.nodes('.vm, .router').not(on).addClass('dim');
    }
    const host = n.data('host') ? graph.hostName.get(n.data('host')) : undefined;
    const href = kind === 'router' ? `#/router/${id}` : ({ vm: 'vms', host: 'hosts', zone: 'zones', cluster: 'clusters', l2: 'l2', eip: 'eips', pf: 'port-forwarding' } as Record<string, string>)[kind.split(' ')[0]] ?? (kind.startsWith('l3') ? 'l3' : '');
    mount(info,
      h('h2', String(n.data('label')).split('\n')[0]),
      h('dl', h('dt', 'kind'), h('dd', kind),
        n.data('status') ? [h('dt', 'status'), h('dd', badge(n.data('status')))] : null,
        n.data('state') ? [h('dt', 'state'), h('dd', badge(n.data('state')))] : null,
        host ? [h('dt', 'runs on'), h('dd', host)] : null,
        h('dt', 'links'), h('dd', n.connectedEdges().map((e) => e.data('label')).filter(Boolean).join(', ') || '—')),
      href ? h('a', { href: href.startsWith('#') ? href : `#/detail/${href}/${id}` }, 'Open') : null);
  }

  function paintRouters(): void {
    if (!graph) return;
    mount(routerTable, h('h2', `Virtual routers (${graph.routers.length})`),
      h('table.grid', h('thead', h('tr', ['router', 'status', 'host', 'public', 'guest L3', 'VMs'].map((c) => h('th', c)))),
        h('tbody', graph.routers.slice(0, 200).map((r) => {
          const pub = r.vmNics.find((n) => n.l3NetworkUuid === r.publicNetworkUuid);
          const guest = r.vmNics.find((n) => n.l3NetworkUuid !== r.publicNetworkUuid && n.l3NetworkUuid !== r.managementNetworkUuid);
          const guests = guest ? graph!.vmsOn.get(guest.l3NetworkUuid) ?? 0 : 0;
          return h('tr', { 'data-uuid': r.uuid },
            h('td', h('a', { href: `#/router/${r.uuid}` }, r.name ?? r.uuid)), h('td.status', badge(r.status)),
            h('td', graph!.hostName.get(String(r.hostUuid)) ?? ''), h('td', pub?.ip ?? ''),
            h('td', guest ? `${graph!.l3Name.get(guest.l3NetworkUuid)} (${guest.ip})` : ''), h('td', guests));
        }))));
  }

  return {
    el,
    async load() {
      const started = performance.now();
      graph = await loadGraph();
      const fetched = performance.now();
      if (!cy) {
        cy = cytoscape({ container: canvas, elements: graph.elements, style: STYLE, layout: { name: 'preset' },
          minZoom: 0.02, maxZoom: 4, wheelSensitivity: 0.3, textureOnViewport: true, hideEdgesOnViewport: true, pixelRatio: 1 });
        cy.on('tap', 'node', (e) => showInfo(e.target.id()));
        cy.on('tap', (e) => { if (e.target === cy) cy!.elements().removeClass('dim'); });
        cy.on('dbltap', 'node.router', (e) => { location.hash = `#/router/${e.target.id()}`; });
        fit(cy, canvas, 30);
        (canvas as HTMLElement & { cy?: Core }).cy = cy;
      } else {
        update(cy, graph.elements);
      }
      paintRouters();
      // for the benchmark: how much of the first paint is the API's and how much the drawing's
      el.setAttribute('data-fetch-ms', String(Math.round(fetched - started)));
      el.setAttribute('data-draw-ms', String(Math.round(performance.now() - fetched)));
      el.setAttribute('data-loaded', String(Date.now()));
    },
    onStatus(e) {
      if (!cy || !e.uuid) return;
      const n = cy.getElementById(e.uuid);
      if (n.nonempty()) n.data('status', e.status);
      const r = graph?.routers.find((x) => x.uuid === e.uuid);
      if (r) {
        r.status = String(e.status);
        const cell = routerTable.querySelector(`tr[data-uuid="${e.uuid}"] td.status`);
        if (cell) mount(cell, badge(e.status));
      }
    },
    dispose() {
      cy?.destroy();
      cy = null;
    },
  };
}
