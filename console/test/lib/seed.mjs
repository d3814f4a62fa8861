// The seed's world through the API: a zone, a Simulator cluster with hosts, L2s, the management and public L3s, guest
// L3s with DNS and the virtual router's services, a router image and the zone's default offering, then VMs (whose
// first one on each guest L3 brings its router up).

/** Runs fn over items with at most `width` at once. */
async function parallel(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }));
  return out;
}

async function l3(api, world, name, cidr, system, physicalInterface) {
  const l2 = await api.create('CreateL2NoVlanNetwork', { zoneUuid: world.zone, name: `l2-${name}`, physicalInterface });
  await api.ok('AttachL2NetworkToCluster', { l2NetworkUuid: l2.uuid, clusterUuid: world.cluster });
  const l3 = await api.create('CreateL3Network', { l2NetworkUuid: l2.uuid, name, system });
  await api.ok('AddIpRangeByNetworkCidr', { l3NetworkUuid: l3.uuid, name: `range-${name}`, networkCidr: cidr });
  return l3.uuid;
}

/**
 * @param guests number of guest L3s (one router each)
 * @param vmsPerGuest user VMs on each guest L3
 * @param hosts Simulator hosts
 */
export async function seedWorld(api, { guests = 1, vmsPerGuest = 2, hosts = 1, width = 4, services = ['DHCP', 'DNS', 'SNAT', 'Eip', 'PortForwarding'] } = {}) {
  const world = { guestL3s: [], vms: [], hosts: [] };
  world.zone = (await api.create('CreateZone', { name: 'zone-1' })).uuid;
  world.cluster = (await api.create('CreateCluster', { zoneUuid: world.zone, name: 'cluster-1', hypervisorType: 'Simulator' })).uuid;
  for (let i = 0; i < hosts; i++) {
    world.hosts.push((await api.create('AddSimulatorHost', { clusterUuid: world.cluster, name: `host-${i + 1}`,
      managementIp: `192.168.${100 + Math.floor(i / 250)}.${(i % 250) + 1}` })).uuid);
  }
  world.managementL3 = await l3(api, world, 'mgmt', '172.20.0.0/16', true, 'eth0');
  world.publicL3 = await l3(api, world, 'public', '172.21.0.0/16', true, 'eth1');
  const provider = (await api.query('network-services/providers', 'type=VirtualRouter'))[0].uuid;
  for (let g = 0; g < guests; g++) {
    const name = guests === 1 ? 'guest' : `guest-${g + 1}`;
    const uuid = await l3(api, world, name, `10.${Math.floor(g / 250)}.${g % 250}.0/24`, false, `eth${2 + g}`);
    for (const dns of ['8.8.8.8', '1.1.1.1']) await api.ok('AddDnsToL3Network', { l3NetworkUuid: uuid, dns });
    await api.ok('AttachNetworkServiceToL3Network', { l3NetworkUuid: uuid, networkServices: { [provider]: services } });
    world.guestL3s.push(uuid);
  }
  world.vrImage = (await api.create('AddImage', { name: 'vr-image', url: 'http://images.invalid/vr.qcow2', system: true })).uuid;
  world.offering = (await api.create('CreateVirtualRouterOffering', { name: 'vr-offering', cpuNum: 1, cpuSpeed: 1000,
    memorySize: 512 * 1024 * 1024, isDefault: true, managementNetworkUuid: world.managementL3,
    publicNetworkUuid: world.publicL3, zoneUuid: world.zone, imageUuid: world.vrImage })).uuid;
  world.image = (await api.create('AddImage', { name: 'debian-12', url: 'http://images.invalid/vm.qcow2', format: 'qcow2',
    mediaType: 'RootVolumeTemplate', system: false })).uuid;
  world.userOffering = (await api.create('CreateInstanceOffering', { name: 'small', cpuNum: 1, cpuSpeed: 1000,
    memorySize: 1024 * 1024 * 1024 })).uuid;
  // the first VM of each guest L3 brings its router up; the rest follow in parallel
  const jobs = [];
  for (let v = 0; v < vmsPerGuest; v++) {
    for (let g = 0; g < guests; g++) jobs.push({ g, v, name: guests === 1 ? `web-${v + 1}` : `vm-${g + 1}-${v + 1}` });
  }
  const first = jobs.filter((j) => j.v === 0);
  const rest = jobs.filter((j) => j.v > 0);
  const make = (j) => api.create('CreateVmInstance', { name: j.name, instanceOfferingUuid: world.userOffering,
    imageUuid: world.image, l3NetworkUuids: [world.guestL3s[j.g]] });
  world.vms.push(...await parallel(first, width, make));
  world.vms.push(...await parallel(rest, width, make));
  world.routers = await api.query('vm-instances/appliances/virtual-routers');
  return world;
}
