// node console/bench/rest-v1-cost.mjs [--guests 100] [--vms-per-guest 10] [--hosts 10] (after ./vrouter build)
// The topology's queries through our /v1 and through ZStack's REST v1 (which the console speaks), alternating, on one
// node with the benchmark's world: what ZStack's JSON shaping costs the console. The first round warms up.
import { Client, startNode } from '../test/lib/node.mjs';
import { seedWorld } from '../test/lib/seed.mjs';
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const node = await startNode({ javaOptions: ['-Xmx2g'] });
try {
  const api = await new Client(node.url).logIn();
  const t0 = Date.now();
  await seedWorld(api, { guests: Number(args.guests ?? 100), vmsPerGuest: Number(args['vms-per-guest'] ?? 10), hosts: Number(args.hosts ?? 10) });
  console.log(`seeded in ${(Date.now() - t0) / 1000} s`);
  const collections = ['vm-instances', 'vm-instances/appliances/virtual-routers', 'l3-networks', 'hosts', 'eips'];
  const times = { v1: [], zstack: [] };
  for (let round = 0; round < 7; round++) {
    for (const [kind, prefix] of [['v1', '/v1'], ['zstack', '/zstack/v1']]) {
      const start = performance.now();
      for (const c of collections) {
        const r = await fetch(`${node.url}${prefix}/${c}?limit=5000&start=0`, { headers: { Authorization: `OAuth ${api.session}` } });
        if (!r.ok) throw new Error(`${prefix}/${c}: ${r.status}`);
        await r.text();
      }
      if (round > 0) times[kind].push(performance.now() - start);
    }
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`topology's queries (${collections.join(', ')}), 6 rounds after one warm-up, alternating:`);
  console.log(`/v1: median ${Math.round(med(times.v1))} ms, max ${Math.round(Math.max(...times.v1))} ms`);
  console.log(`/zstack/v1: median ${Math.round(med(times.zstack))} ms, max ${Math.round(Math.max(...times.zstack))} ms`);
  console.log(`ratio ${(med(times.zstack) / med(times.v1)).toFixed(2)}`);
} finally {
  await node.stop();
}
