// A management node for the browser tests and the benchmark: the built server jar with the Simulator, on a free
// port, with its own temporary data directory and the admin password given. Stopped (and its data removed) by stop().
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ADMIN_PASSWORD = 'console-test-password';
const JAR = fileURLToPath(new URL('../../../node/target/vrouter-server.jar', import.meta.url));

export async function startNode({ javaOptions = [] } = {}) {
  if (!existsSync(JAR)) throw new Error(`${JAR} is missing: build the server first (./vrouter build)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'vrouter-console-test-'));
  const child = spawn('java', [...javaOptions, '-jar', JAR, '--port', '0', '--data-dir', dataDir,
    '--admin-password', ADMIN_PASSWORD], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log = (log + d).slice(-20000); });
  const url = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`the node did not start in 60 s:\n${log}`)), 60000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/ready at (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`the node exited with ${code}:\n${log}`)); });
  });
  return {
    url,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 30000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small client of the node's API for seeding and checking, as the CLI would call it. */
export class Client {
  constructor(url) { this.url = url; this.session = null; }

  async logIn(password = ADMIN_PASSWORD) {
    this.session = (await this.ok('LogInByAccount', { accountName: 'admin', password })).inventory.uuid;
    return this;
  }

  async call(api, params = {}) {
    const headers = { 'Content-Type': 'application/json' };
    if (this.session) headers.Authorization = `OAuth ${this.session}`;
    const r = await fetch(`${this.url}/v1/api/${api}`, { method: 'POST', headers, body: JSON.stringify(params) });
    return { status: r.status, body: await r.json() };
  }

  async ok(api, params = {}) {
    const r = await this.call(api, params);
    if (r.status !== 200) throw new Error(`${api} ${JSON.stringify(params)}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async create(api, params) { return (await this.ok(api, params)).inventory; }

  async query(collection, ...conditions) {
    const qs = conditions.map((c) => `q=${encodeURIComponent(c)}`).join('&');
    const r = await fetch(`${this.url}/v1/${collection}?${qs}`, { headers: { Authorization: `OAuth ${this.session}` } });
    const body = await r.json();
    if (r.status !== 200) throw new Error(`GET ${collection}: ${JSON.stringify(body)}`);
    return body.inventories;
  }
}
