// ./vrouter bench console [--guests 100] [--vms-per-guest 10] [--hosts 10] [--rounds 5] [--url URL --password P]
// (--url: a running node whose world is already there, e.g. to re-measure after a console change; the routers it
// stops stay stopped)
// The console against a node with 1,000 VMs, 100 routers and 10 hosts (Simulator) in Debian's chromium:
//  - first paint: from navigation start to the page drawn with its data (dashboard counts, topology graph and
//    router table), and the browser's own first-contentful-paint, per round;
//  - a status change on screen: a router is stopped through the API; the time from the call, and from the node's
//    event (its timestamp on the event stream), to the Disconnected badge painted in the page.
import { chromium } from 'playwright-core';
import { cpus } from 'node:os';
import { execFileSync } from 'node:child_process';
import { Client, startNode } from '../test/lib/node.mjs';
import { seedWorld } from '../test/lib/seed.mjs';
import { CHROMIUM } from '../test/chromium.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const guests = Number(args.guests ?? 100);
const vmsPerGuest = Number(args['vms-per-guest'] ?? 10);
const hosts = Number(args.hosts ?? 10);
const rounds = Number(args.rounds ?? 5);

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], max: s[s.length - 1], min: s[0] };
};
const fmt = (x) => `${Math.round(x)} ms`;

/** The node's own events, read alongside the browser, for their timestamps. */
function watchEvents(url, session) {
  const seen = new Map();
  const abort = new AbortController();
  (async () => {
    const r = await fetch(`${url}/v1/events`, { headers: { Accept: 'text/event-stream', Authorization: `OAuth ${session}` }, signal: abort.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of r.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((l) => l.startsWith('data:'));
        if (/^event: ?status$/m.test(block) && data) {
          const e = JSON.parse(data.slice(5));
          seen.set(`${e.uuid}:${e.status}`, { at: e.at, received: Date.now() });
        }
      }
    }
  })().catch(() => {});
  return { get: (uuid, status) => seen.get(`${uuid}:${status}`), stop: () => abort.abort() };
}

const node = args.url ? { url: args.url, stop: async () => {} } : await startNode({ javaOptions: ['-Xmx2g'] });
let browser;
try {
  const api = await new Client(node.url).logIn(args.password);
  let world;
  if (args.url) {
    world = { vms: await api.query('vm-instances', 'type=UserVm'), routers: await api.query('vm-instances/appliances/virtual-routers', 'status=Connected') };
  } else {
    const t0 = Date.now();
    world = await seedWorld(api, { guests, vmsPerGuest, hosts, width: 8 });
    console.log(`seeded ${world.vms.length} VMs, ${world.routers.length} routers, ${hosts} hosts in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript((s) => localStorage.setItem('vrouter.session', s), api.session);
  const page = await context.newPage();

  const ready = {
    dashboard: async () => page.waitForFunction((n) => document.querySelector('[data-count=vms] b')?.textContent === String(n) && document.querySelector('.status-card[data-kind=routers]') && performance.now(), world.vms.length, { polling: 'raf', timeout: 60000 }),
    topology: async () => page.waitForFunction(() => document.querySelector('section.topology[data-loaded]') && document.querySelector('.router-summary tbody tr') && performance.now(), null, { polling: 'raf', timeout: 60000 }),
  };
  const paints = {};
  for (const [name, hash] of [['dashboard', '#/'], ['topology', '#/topology']]) {
    paints[name] = { data: [], fcp: [], fetch: [] };
    for (let i = 0; i < rounds + 1; i++) {
      await page.goto('about:blank');
      await page.goto(`${node.url}/${hash}`);
      const drawn = await (await ready[name]()).jsonValue();
      const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
      const fetch = Number(await page.getAttribute('[data-fetch-ms]', 'data-fetch-ms'));
      if (i > 0) { // the first round fills the browser's cache and the node's JIT
        paints[name].data.push(drawn);
        paints[name].fcp.push(fcp);
        paints[name].fetch.push(fetch);
      }
    }
  }

  const events = watchEvents(node.url, api.session);
  const lags = { dashboard: { fromCall: [], fromEvent: [], reader: [] }, topology: { fromCall: [], fromEvent: [], reader: [] } };
  const routers = world.routers.map((r) => r.uuid);
  let next = 0;
  for (const [name, hash, selector] of [
    ['dashboard', '#/', (u) => `.dashboard tr[data-uuid="${u}"] [data-status=Disconnected]`],
    ['topology', '#/topology', (u) => `.router-summary tr[data-uuid="${u}"] [data-status=Disconnected]`]]) {
    await page.goto(`${node.url}/${hash}`);
    await ready[name]();
    await page.waitForSelector('#live:not(.off)');
    for (let i = 0; i < rounds; i++) {
      const uuid = routers[next++];
      const seen = page.waitForFunction((sel) => document.querySelector(sel) && Date.now(), selector(uuid), { polling: 'raf', timeout: 30000 });
      const called = Date.now();
      await api.ok('StopVmInstance', { uuid });
      const shown = await (await seen).jsonValue();
      const e = events.get(uuid, 'Disconnected');
      lags[name].fromCall.push(shown - called);
      if (e) {
        lags[name].fromEvent.push(shown - e.at);
        lags[name].reader.push(e.received - e.at);
      }
      await page.waitForTimeout(1000); // let the reload that follows the change settle before the next round
    }
  }
  events.stop();

  const chromiumVersion = execFileSync(CHROMIUM, ['--version']).toString().trim();
  console.log(`\nmachine: ${cpus().length} x ${cpus()[0].model}; ${chromiumVersion}; node ${process.version}`);
  console.log(`world: ${world.vms.length} VMs, ${world.routers.length} Connected routers at the start; ${rounds} rounds each\n`);
  console.log('First paint: from navigation start to the page drawn with its data; baseline: the same page\'s API requests alone (inside that time).\n');
  console.log('| page | data painted, median / max | first contentful paint, median | API requests alone (baseline), median | painted / baseline |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const name of ['dashboard', 'topology']) {
    const d = stats(paints[name].data);
    const f = stats(paints[name].fcp);
    const b = stats(paints[name].fetch);
    console.log(`| ${name} | ${fmt(d.median)} / ${fmt(d.max)} | ${fmt(f.median)} | ${fmt(b.median)} | ${(d.median / b.median).toFixed(2)} |`);
  }
  console.log('\nA router stopped through the API, until its Disconnected badge is painted; baseline: a plain event-stream reader in the benchmark.\n');
  console.log('| page | from the API call, median / max | from the node\'s event, median / max | reader after the event (baseline), median | page / baseline |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const name of ['dashboard', 'topology']) {
    const c = stats(lags[name].fromCall);
    const e = lags[name].fromEvent.length ? stats(lags[name].fromEvent) : { median: NaN, max: NaN };
    const r = lags[name].reader.length ? stats(lags[name].reader) : { median: NaN };
    console.log(`| ${name} | ${fmt(c.median)} / ${fmt(c.max)} | ${fmt(e.median)} / ${fmt(e.max)} | ${fmt(r.median)} | ${(e.median / Math.max(1, r.median)).toFixed(1)} |`);
  }
} finally {
  await browser?.close();
  await node.stop();
}
