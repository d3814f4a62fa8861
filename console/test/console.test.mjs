// The console in a real browser: Debian's chromium, headless, driven by playwright-core, against a management node
// started here (the built server jar with the Simulator) and a world seeded through the API. The tests share one
// node and one browser page and run in order, as an operator's session would.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ADMIN_PASSWORD, Client, startNode } from './lib/node.mjs';
import { seedWorld } from './lib/seed.mjs';

import { CHROMIUM } from './chromium.mjs';
const SHOTS = fileURLToPath(new URL('../../docs/console', import.meta.url));

let node;
let api;
let world;
let browser;
let page;
/** The path of every request the page made: the console must speak REST v1 for its calls and queries. */
const requests = [];

// the screenshots in docs/console are tracked files: a test run retakes them only when asked, so it leaves the tree clean
async function shot(name) {
  if (!process.env.VROUTER_CONSOLE_SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: resolve(SHOTS, `${name}.png`) });
}

/** The topology graph's model, read from the page (cytoscape draws on a canvas). */
function graph() {
  return page.evaluate(() => {
    const cy = document.querySelector('[data-testid=topology]').cy;
    return cy.nodes().map((n) => ({ id: n.id(), kind: n.data('kind'), label: n.data('label'), status: n.data('status'),
      l3s: n.data('l3s'), host: n.data('host'), neighbours: n.neighborhood('node').map((x) => x.id()) }));
  });
}

before(async () => {
  const t0 = Date.now();
  node = await startNode();
  const t1 = Date.now();
  api = await new Client(node.url).logIn();
  world = await seedWorld(api, { guests: 1, vmsPerGuest: 3, hosts: 2 });
  const t2 = Date.now();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  console.log(`# node started in ${t1 - t0} ms, world seeded in ${t2 - t1} ms, browser in ${Date.now() - t2} ms`);
});

after(async () => {
  await browser?.close();
  await node?.stop();
});

test('nothing is shown without logging in; a wrong password is refused with its code; the right one opens the dashboard', async () => {
  await page.goto(node.url);
  await page.locator('form.login').waitFor();
  await page.fill('input[name=password]', 'wrong-password');
  await page.click('button[type=submit]');
  await page.locator('form.login .error').filter({ hasText: 'ID.1001' }).waitFor();
  await shot('login');
  await page.fill('input[name=password]', ADMIN_PASSWORD);
  await page.click('button[type=submit]');
  await page.locator('[data-count=vms] b').filter({ hasText: /^3$/ }).waitFor();
  assert.equal(await page.locator('[data-count=routers] b').textContent(), '1');
  assert.equal(await page.locator('[data-count=hosts] b').textContent(), '2');
  await page.locator('.status-card[data-kind=routers] [data-status=Connected]').waitFor();
  // the failed login is among the last errors
  await page.locator('table.errors').filter({ hasText: 'LogInByAccount' }).waitFor();
  // calls and queries go through ZStack's REST v1; only the event stream and the API description are our /v1
  assert.ok(requests.includes('PUT /zstack/v1/accounts/login'), requests.join('\n'));
  assert.ok(requests.some((r) => r.startsWith('GET /zstack/v1/vm-instances')), requests.join('\n'));
  assert.deepEqual(requests.filter((r) => r.includes(' /v1/') && !/ \/v1\/(events|openapi\.json)$/.test(r)), []);
});

test('the topology shows the router with its management, public and guest nics, and the guests behind it', async () => {
  await page.goto(`${node.url}/#/topology`);
  await page.locator('section.topology[data-loaded]').waitFor();
  const nodes = await graph();
  const router = nodes.find((n) => n.kind === 'router');
  assert.ok(router, 'a router node');
  assert.equal(router.id, world.routers[0].uuid);
  assert.equal(router.status, 'Connected');
  assert.deepEqual(new Set(router.neighbours), new Set([world.managementL3, world.publicL3, world.guestL3s[0]]));
  const vms = nodes.filter((n) => n.kind === 'vm');
  assert.deepEqual(vms.map((v) => v.label.split('\n')[0]).sort(), ['web-1', 'web-2', 'web-3']);
  for (const vm of vms) {
    assert.deepEqual(vm.l3s, [world.guestL3s[0]], `${vm.label} in the guest L3's block`);
    assert.ok(world.hosts.includes(vm.host), `${vm.label} says where it runs`);
  }
  assert.equal(nodes.filter((n) => n.kind === 'host').length, 2);
  // the router table under the graph says where it runs and what it serves
  const row = page.locator(`.router-summary tr[data-uuid="${router.id}"]`);
  assert.match(await row.textContent(), /Connected.*host-\d.*172\.21\.\d+\.\d+.*guest \(10\.0\.0\.1\).*3/s);
  // a click on a host fades what does not run on it
  await shot('topology');
});

test('a list takes zstack-cli conditions, sorts and reports a bad condition with its code', async () => {
  const web2 = world.vms.find((v) => v.name === 'web-2');
  const ip = web2.vmNics[0].ip;
  await page.goto(`${node.url}/#/list/vms`);
  await page.locator('table.resources tbody tr').nth(2).waitFor();
  await page.fill('input.filter', `vmNics.ip=${ip}`);
  await page.press('input.filter', 'Enter');
  await page.locator('.total').filter({ hasText: '1 match' }).waitFor();
  assert.deepEqual(await page.locator('table.resources tbody tr td:first-child').allTextContents(), ['web-2']);
  await shot('vms-filtered');

  await page.fill('input.filter', 'name~=web% state=Running');
  await page.press('input.filter', 'Enter');
  await page.locator('.total').filter({ hasText: '3 matches' }).waitFor();
  await page.click('th a[data-sort=name]');
  await page.waitForFunction(() => location.hash.includes('sort=name'));
  await page.click('th a[data-sort=name]'); // again: descending
  await page.waitForFunction(() => location.hash.includes('sort=-name'));
  await page.locator('table.resources tbody tr:first-child td:first-child').filter({ hasText: 'web-3' }).waitFor();
  assert.deepEqual(await page.locator('table.resources tbody tr td:first-child').allTextContents(), ['web-3', 'web-2', 'web-1']);

  await page.fill('input.filter', 'noSuchField=1');
  await page.press('input.filter', 'Enter');
  const error = page.locator('.filter-error');
  await error.filter({ hasText: 'SYS.1007' }).waitFor();
  assert.match(await error.textContent(), /noSuchField/);
});

test('an EIP created from the form is found through the API', async () => {
  const vip = await api.create('CreateVip', { name: 'vip-web-1', l3NetworkUuid: world.publicL3 });
  const web1 = world.vms.find((v) => v.name === 'web-1');
  await page.goto(`${node.url}/#/create/eip`);
  await page.locator('form.api-form[data-api=CreateEip]').waitFor();
  await page.fill('#f-name', 'eip-web-1');
  await page.selectOption('#f-vipUuid', vip.uuid);
  await page.selectOption('#f-vmNicUuid', web1.vmNics[0].uuid);
  await shot('eip-form');
  await page.click('form.api-form button[type=submit]');
  await page.waitForFunction(() => location.hash.startsWith('#/detail/eips/'));
  const eips = await api.query('eips', 'name=eip-web-1');
  assert.equal(eips.length, 1);
  assert.equal(eips[0].vipIp, vip.ip);
  assert.equal(eips[0].guestIp, web1.vmNics[0].ip);
  assert.equal(eips[0].vmNicUuid, web1.vmNics[0].uuid);
  await page.locator('dl.inventory').filter({ hasText: vip.ip }).waitFor();
});

test('a server error is shown with its code next to the field that caused it, and at the form when it names none', async () => {
  const vip = (await api.query('vips', 'name=vip-web-1'))[0];
  await page.goto(`${node.url}/#/create/port-forwarding`);
  await page.locator('form.api-form[data-api=CreatePortForwardingRule]').waitFor();
  await page.fill('#f-name', 'pf-bad');
  await page.selectOption('#f-vipUuid', vip.uuid);
  await page.fill('#f-vipPortStart', '70000');
  await page.selectOption('#f-protocolType', 'TCP');
  await page.click('form.api-form button[type=submit]');
  const fieldError = page.locator('.field-error[data-field=vipPortStart]');
  await fieldError.filter({ hasText: 'SYS.1007' }).waitFor();
  assert.match(await fieldError.textContent(), /vipPortStart: 70000 is out of range 1\.\.65535/);
  assert.equal(await page.locator('#f-vipPortStart').getAttribute('aria-invalid'), 'true');
  await shot('form-error');

  // the VIP carries an EIP: the node refuses a port forwarding rule on it
  await page.fill('#f-vipPortStart', '8080');
  await page.click('form.api-form button[type=submit]');
  await page.locator('.field-error[data-field=vipPortStart]:empty').waitFor({ state: 'attached' });
  const anyError = page.locator('.field-error:not(:empty), .form-error:not(:empty)');
  await anyError.first().waitFor();
  const text = await anyError.first().textContent();
  const reply = await api.call('CreatePortForwardingRule', { name: 'pf-bad', vipUuid: vip.uuid, vipPortStart: 8080, protocolType: 'TCP' });
  assert.ok(text.startsWith(`${reply.body.error.code}: ${reply.body.error.details}`), `${text} shows ${JSON.stringify(reply.body.error)}`);
  assert.equal((await api.query('port-forwarding', 'name=pf-bad')).length, 0);
});

test('an L3 network with its range, DNS and services from one form; a bad range is shown at its field and undone', async () => {
  const l2 = await api.create('CreateL2NoVlanNetwork', { zoneUuid: world.zone, name: 'l2-form', physicalInterface: 'eth9' });
  await page.goto(`${node.url}/#/create/l3`);
  await page.locator('form.api-form[data-api=CreateL3Network]').waitFor();
  await page.selectOption('#f-l2NetworkUuid', l2.uuid);
  await page.fill('#f-name', 'l3-form');
  await page.fill('#f-networkCidr', '10.9.0.0/33');
  await page.fill('#f-dns', '8.8.8.8, 1.1.1.1');
  await page.check('input[name=services][value=DHCP]');
  await page.check('input[name=services][value=DNS]');
  await page.click('form.api-form button[type=submit]');
  const cidrError = page.locator('.field-error[data-field=networkCidr]');
  await cidrError.filter({ hasText: 'SYS.1007' }).waitFor();
  assert.match(await cidrError.textContent(), /networkCidr: '10\.9\.0\.0\/33' is not an IPv4 CIDR/);
  // the L3 the first call made was deleted again
  assert.equal((await api.query('l3-networks', 'name=l3-form')).length, 0);

  await page.fill('#f-networkCidr', '10.9.0.0/24');
  await page.click('form.api-form button[type=submit]');
  await page.waitForFunction(() => location.hash.startsWith('#/detail/l3/'));
  const [l3] = await api.query('l3-networks', 'name=l3-form');
  assert.deepEqual(l3.dns, ['8.8.8.8', '1.1.1.1']);
  assert.deepEqual(l3.ipRanges.map((r) => r.networkCidr), ['10.9.0.0/24']);
  assert.deepEqual(l3.networkServices.map((s) => s.networkServiceType).sort(), ['DHCP', 'DNS']);
});

test("a router's status change arrives live, on the dashboard and on the router's page", async () => {
  const router = world.routers[0].uuid;
  await page.goto(`${node.url}/#/`);
  await page.locator('.status-card[data-kind=routers] [data-status=Connected]').waitFor();
  await page.locator('#live:not(.off)').waitFor();
  await api.ok('StopVmInstance', { uuid: router });
  await page.locator('.status-card[data-kind=routers] [data-status=Disconnected]').waitFor();
  await page.locator(`tr[data-uuid="${router}"] [data-status=Disconnected]`).waitFor();
  await shot('dashboard');

  await page.goto(`${node.url}/#/router/${router}`);
  await page.locator('.router-status [data-status=Disconnected]').waitFor();
  await page.click('button[data-api=StartVmInstance]');
  await page.locator('.router-status [data-status=Connected]').waitFor();
  // the API's own reply follows the router's connect: the page reloads and shows it Running
  await page.locator('h1 > [data-status=Running]').waitFor();
  assert.match(await page.locator('[data-testid=nics]').textContent(), /management.*public.*guest/s);
  assert.match(await page.locator('[data-testid=dhcp]').textContent(), /web-1.*web-2.*web-3/s);
  assert.match(await page.locator('[data-testid=eips]').textContent(), /eip-web-1/);
  // the action went as ZStack's SDK sends it: PUT on the router's actions, its job's result read from api-jobs
  assert.ok(requests.includes(`PUT /zstack/v1/vm-instances/${router}/actions`), requests.join('\n'));
  assert.ok(requests.some((r) => r.startsWith('GET /zstack/v1/api-jobs/')), requests.join('\n'));
  await shot('router');
});

test('logging out ends the session: the API refuses it and the console asks for a login', async () => {
  const session = await page.evaluate(() => localStorage.getItem('vrouter.session'));
  await page.click('button.logout');
  await page.locator('form.login').waitFor();
  assert.ok(requests.includes(`DELETE /zstack/v1/accounts/sessions/${session}`), requests.join('\n'));
  const r = await fetch(`${node.url}/v1/zones`, { headers: { Authorization: `OAuth ${session}` } });
  assert.equal(r.status, 401);
});
