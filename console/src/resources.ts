// The resources the console lists: their REST collection, the columns an operator scans, and where a row leads.
import { Inventory } from './api';
import { badge, h, shortUuid } from './dom';

export interface Column {
  /** the inventory field, also the sort key; a nested one (vmNics.ip) sorts by nothing */
  field: string;
  label: string;
  render?: (inv: Inventory) => Node | string;
  sortable?: boolean;
}

export interface Resource {
  key: string;
  title: string;
  collection: string;
  columns: Column[];
  /** conditions always added (e.g. user VMs only) */
  fixed?: string[];
  /** the form that creates one, if the console has it */
  create?: string;
  /** a detail page other than the generic one */
  detail?: (uuid: string) => string;
  /** example filter shown in the box */
  example: string;
}

const status = (field: string, label = field): Column => ({ field, label, render: (i) => badge(i[field]) });
const text = (field: string, label = field): Column => ({ field, label });
const ref = (field: string, label: string, resource: string): Column => ({
  field, label, render: (i) => (i[field] ? h('a', { href: `#/detail/${resource}/${i[field]}` }, shortUuid(i[field])) : ''),
});
const nicIps: Column = {
  field: 'vmNics.ip', label: 'addresses', sortable: false,
  render: (i) => ((i.vmNics as Inventory[] | undefined) ?? []).map((n) => n.ip).join(', '),
};
const ports = (i: Inventory) => `${i.vipPortStart}${i.vipPortEnd !== i.vipPortStart ? `-${i.vipPortEnd}` : ''} → ${i.privatePortStart}${i.privatePortEnd !== i.privatePortStart ? `-${i.privatePortEnd}` : ''}`;

export const RESOURCES: Resource[] = [
  { key: 'zones', title: 'Zones', collection: 'zones', example: 'name~=zone', columns: [text('name'), status('state'), text('description')] },
  { key: 'clusters', title: 'Clusters', collection: 'clusters', example: 'hypervisorType=Simulator',
    columns: [text('name'), text('hypervisorType', 'hypervisor'), status('state'), ref('zoneUuid', 'zone', 'zones')] },
  { key: 'hosts', title: 'Hosts', collection: 'hosts', example: 'status=Connected',
    columns: [text('name'), text('managementIp', 'management IP'), status('status'), status('state'), text('hypervisorType', 'hypervisor'), ref('clusterUuid', 'cluster', 'clusters')] },
  { key: 'l2', title: 'L2 networks', collection: 'l2-networks', example: 'physicalInterface=eth0',
    columns: [text('name'), text('type'), text('physicalInterface', 'interface'), ref('zoneUuid', 'zone', 'zones')] },
  { key: 'l3', title: 'L3 networks', collection: 'l3-networks', example: 'system=false', create: 'l3',
    columns: [text('name'), text('system'), status('state'),
      { field: 'ipRanges', label: 'ranges', sortable: false, render: (i) => ((i.ipRanges as Inventory[]) ?? []).map((r) => r.networkCidr ?? `${r.startIp}-${r.endIp}`).join(', ') },
      { field: 'dns', label: 'DNS', sortable: false, render: (i) => ((i.dns as string[]) ?? []).join(', ') },
      ref('l2NetworkUuid', 'L2', 'l2')] },
  { key: 'vms', title: 'VMs', collection: 'vm-instances', fixed: ['type=UserVm'], example: 'vmNics.ip=10.0.0.5', create: 'vm',
    columns: [text('name'), status('state'), nicIps, ref('hostUuid', 'host', 'hosts'), text('cpuNum', 'CPUs')] },
  { key: 'routers', title: 'Virtual routers', collection: 'vm-instances/appliances/virtual-routers', example: 'status=Connected',
    detail: (uuid) => `#/router/${uuid}`,
    columns: [text('name'), status('status'), status('state'), nicIps, ref('hostUuid', 'host', 'hosts')] },
  { key: 'vr-offerings', title: 'Router offerings', collection: 'instance-offerings/virtual-routers', example: 'isDefault=true', create: 'vr-offering',
    columns: [text('name'), text('isDefault', 'default'), text('cpuNum', 'CPUs'), ref('zoneUuid', 'zone', 'zones'), ref('managementNetworkUuid', 'management L3', 'l3'), ref('publicNetworkUuid', 'public L3', 'l3')] },
  { key: 'vips', title: 'VIPs', collection: 'vips', example: 'ip=172.21.0.10', create: 'vip',
    columns: [text('name'), text('ip'), status('state'), text('useFor', 'used for'), ref('l3NetworkUuid', 'L3', 'l3')] },
  { key: 'eips', title: 'EIPs', collection: 'eips', example: 'name~=web', create: 'eip',
    columns: [text('name'), text('vipIp', 'VIP'), text('guestIp', 'guest IP'), status('state'), ref('vmNicUuid', 'nic', 'nics')] },
  { key: 'port-forwarding', title: 'Port forwarding', collection: 'port-forwarding', example: 'protocolType=TCP', create: 'port-forwarding',
    columns: [text('name'), text('vipIp', 'VIP'), text('protocolType', 'protocol'), { field: 'vipPortStart', label: 'ports', render: ports },
      text('guestIp', 'guest IP'), text('allowedCidr', 'allowed'), status('state')] },
  { key: 'nics', title: 'VM nics', collection: 'vm-instances/nics', example: 'ip=10.0.0.5',
    columns: [text('ip'), text('mac'), text('netmask'), text('gateway'), ref('vmInstanceUuid', 'VM', 'vms'), ref('l3NetworkUuid', 'L3', 'l3')] },
  { key: 'images', title: 'Images', collection: 'images', example: 'system=false', columns: [text('name'), text('format'), text('system'), status('state')] },
  { key: 'offerings', title: 'Instance offerings', collection: 'instance-offerings', example: 'cpuNum=1',
    columns: [text('name'), text('cpuNum', 'CPUs'), text('memorySize', 'memory'), status('state')] },
];

export function resource(key: string): Resource {
  const r = RESOURCES.find((x) => x.key === key);
  if (!r) throw new Error(`no resource ${key}`);
  return r;
}

export function detailHref(r: Resource, uuid: string): string {
  return r.detail ? r.detail(uuid) : `#/detail/${r.key}/${uuid}`;
}
