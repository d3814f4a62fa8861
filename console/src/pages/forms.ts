// Forms for the seed's operations, drawn from the node's own API description (GET /v1/openapi.json): each field
// is a parameter of the API, with its type, choices, default and help text. A server error is shown with its code
// and text next to the field it names (the API's messages name the parameter), or above the button otherwise.
import { api, ApiDescription, ApiError, Inventory, OpenApiParam } from '../api';
import { h, mount } from '../dom';
import { Page } from '../page';

interface Picker {
  collection: string;
  conditions?: string[];
  label: (i: Inventory) => string;
  fields?: string[];
}

interface FormSpec {
  title: string;
  api: string;
  /** uuid parameters chosen from a list of resources */
  pickers?: Record<string, Picker>;
  /** where to go after success, from the created inventory */
  done: (inv: Inventory) => string;
}

const named = (i: Inventory) => `${i.name ?? ''} (${String(i.uuid).slice(0, 8)})`;
const l3Picker = (system?: boolean): Picker => ({ collection: 'l3-networks', conditions: system === undefined ? [] : [`system=${system}`], label: named });
const nicPicker: Picker = { collection: 'vm-instances', conditions: ['type=UserVm'], fields: ['uuid', 'name', 'vmNics'], label: named };

export const FORMS: Record<string, FormSpec> = {
  'vr-offering': {
    title: 'New virtual router offering', api: 'CreateVirtualRouterOffering', done: () => '#/list/vr-offerings',
    pickers: {
      zoneUuid: { collection: 'zones', label: named },
      managementNetworkUuid: l3Picker(true), publicNetworkUuid: l3Picker(true),
      imageUuid: { collection: 'images', conditions: ['system=true'], label: named },
    },
  },
  vip: { title: 'New VIP', api: 'CreateVip', done: (i) => `#/detail/vips/${i.uuid}`,
    pickers: { l3NetworkUuid: l3Picker(), ipRangeUuid: { collection: 'l3-networks/ip-ranges', label: (i) => `${i.name} ${i.networkCidr ?? ''}` } } },
  eip: { title: 'New EIP', api: 'CreateEip', done: (i) => `#/detail/eips/${i.uuid}`,
    pickers: { vipUuid: { collection: 'vips', label: (i) => `${i.name} ${i.ip}` }, vmNicUuid: nicPicker } },
  'port-forwarding': { title: 'New port forwarding rule', api: 'CreatePortForwardingRule', done: (i) => `#/detail/port-forwarding/${i.uuid}`,
    pickers: { vipUuid: { collection: 'vips', label: (i) => `${i.name} ${i.ip}` }, vmNicUuid: nicPicker } },
  vm: { title: 'New VM', api: 'CreateVmInstance', done: (i) => `#/detail/vms/${i.uuid}`,
    pickers: {
      instanceOfferingUuid: { collection: 'instance-offerings', label: named },
      imageUuid: { collection: 'images', conditions: ['system=false'], label: named },
      l3NetworkUuids: l3Picker(false), defaultL3NetworkUuid: l3Picker(false),
      zoneUuid: { collection: 'zones', label: named }, clusterUuid: { collection: 'clusters', label: named },
      hostUuid: { collection: 'hosts', label: (i) => `${i.name} ${i.managementIp}` },
    } },
};

/** Where to show an error: the field whose name the message mentions, else the form. */
export function fieldOfError(e: ApiError, fields: string[]): string | null {
  const text = `${e.details} ${e.description}`;
  // longest names first, so vipPortStart wins over vipUuid-like prefixes
  return [...fields].sort((a, b) => b.length - a.length).find((f) => new RegExp(`\\b${f}\\b`).test(text)) ?? null;
}

interface Field {
  name: string;
  control: HTMLElement;
  error: HTMLElement;
  read: () => unknown;
}

async function pickerOptions(p: Picker): Promise<[string, string][]> {
  const items = await api.all(p.collection, { conditions: p.conditions, fields: p.fields });
  if (p === nicPicker) {
    // a VM's nics, each by the VM's name and address
    return items.flatMap((vm) => ((vm.vmNics as Inventory[]) ?? []).map((n) => [String(n.uuid), `${vm.name} ${n.ip}`] as [string, string]));
  }
  return items.map((i) => [i.uuid, p.label(i)]);
}

async function fieldFor(name: string, schema: OpenApiParam, required: boolean, picker: Picker | undefined, initial: string | null): Promise<Field> {
  const error = h('span.field-error', { 'data-field': name, role: 'alert' });
  const id = `f-${name}`;
  let control: HTMLElement;
  let read: () => unknown;
  const isList = schema.type === 'array';
  if (picker) {
    const options = await pickerOptions(picker);
    const select = h('select', { id, name, multiple: isList, required: required && !isList },
      isList ? null : h('option', { value: '' }, required ? '— choose —' : '— none —'),
      options.map(([v, label]) => h('option', { value: v, selected: v === initial }, label))) as HTMLSelectElement;
    control = select;
    read = () => isList ? [...select.selectedOptions].map((o) => o.value) : select.value || undefined;
  } else if (schema.type === 'boolean') {
    const box = h('input', { id, name, type: 'checkbox', checked: schema.default === true }) as HTMLInputElement;
    control = box;
    read = () => box.checked;
  } else if (schema.enum) {
    const select = h('select', { id, name }, required ? null : h('option', { value: '' }, '— default —'),
      schema.enum.map((v) => h('option', { value: v, selected: v === schema.default }, v))) as HTMLSelectElement;
    control = select;
    read = () => select.value || undefined;
  } else {
    const numeric = schema.type === 'integer';
    const input = h('input', { id, name, type: numeric ? 'number' : 'text', required, value: initial ?? (schema.default !== undefined ? String(schema.default) : ''),
      placeholder: isList ? 'comma-separated' : schema.format ?? '' }) as HTMLInputElement;
    control = input;
    read = () => {
      const v = input.value.trim();
      if (!v) return undefined;
      if (isList) return v.split(',').map((x) => x.trim()).filter(Boolean);
      // a number the API will range-check; text that is not one goes as typed, for the API to name
      return numeric && /^-?\d+$/.test(v) ? Number(v) : v;
    };
  }
  return { name, control, error, read };
}

function fieldRow(f: Field, schema: OpenApiParam | undefined, required: boolean): HTMLElement {
  return h('div.field', { 'data-field': f.name },
    h('label', { for: `f-${f.name}` }, f.name, required ? h('span.req', ' *') : null),
    f.control, h('small.help', schema?.description ?? ''), f.error);
}

function showError(e: unknown, fields: Field[], formError: HTMLElement): void {
  for (const f of fields) {
    f.error.textContent = '';
    f.control.removeAttribute('aria-invalid');
  }
  formError.textContent = '';
  if (!(e instanceof ApiError)) {
    formError.textContent = String(e);
    return;
  }
  const text = `${e.code}: ${e.details || e.description}`;
  const target = fields.find((f) => f.name === fieldOfError(e, fields.map((x) => x.name)));
  if (target) {
    target.error.textContent = text;
    target.control.setAttribute('aria-invalid', 'true');
    target.control.focus();
  } else {
    formError.textContent = text;
  }
}

async function apiForm(spec: FormSpec, params: URLSearchParams): Promise<HTMLElement> {
  const description: ApiDescription = await api.describe(spec.api);
  const fields: Field[] = [];
  const rows: HTMLElement[] = [];
  for (const [name, schema] of Object.entries(description.params)) {
    const required = description.required.includes(name);
    const f = await fieldFor(name, schema, required, spec.pickers?.[name], params.get(name));
    fields.push(f);
    rows.push(fieldRow(f, schema, required));
  }
  const formError = h('p.error.form-error', { role: 'alert' });
  return h('form.api-form', {
    'data-api': spec.api, novalidate: true,
    onsubmit: async (e: Event) => {
      e.preventDefault();
      const body: Record<string, unknown> = {};
      for (const f of fields) {
        const v = f.read();
        if (v !== undefined && !(Array.isArray(v) && v.length === 0)) body[f.name] = v;
      }
      try {
        const reply = await api.call<{ inventory: Inventory }>(spec.api, body);
        location.hash = spec.done(reply.inventory);
      } catch (err) {
        showError(err, fields, formError);
      }
    },
  }, h('p.summary', description.summary, ' (', h('code', spec.api), ')'), rows, formError, h('button', { type: 'submit' }, 'Create'));
}

/** An L3 network with its range, DNS servers and services: four APIs, undone (DeleteL3Network) if one fails. */
async function l3Form(): Promise<HTMLElement> {
  const create = await api.describe('CreateL3Network');
  const fields: Field[] = [];
  const rows: HTMLElement[] = [];
  for (const [name, schema] of Object.entries(create.params)) {
    const required = create.required.includes(name);
    const f = await fieldFor(name, schema, required, name === 'l2NetworkUuid' ? { collection: 'l2-networks', label: named } : undefined, null);
    fields.push(f);
    rows.push(fieldRow(f, schema, required));
  }
  const cidr = await fieldFor('networkCidr', { type: 'string', description: 'the range, e.g. 192.168.10.0/24 (AddIpRangeByNetworkCidr)' }, false, undefined, null);
  const dns = await fieldFor('dns', { type: 'array', description: 'DNS servers, in order (AddDnsToL3Network)' }, false, undefined, null);
  const provider = (await api.query('network-services/providers', { conditions: ['type=VirtualRouter'] })).inventories[0];
  const types = ((provider?.networkServiceTypes as string[] | undefined) ?? ['DHCP', 'DNS', 'SNAT', 'Eip', 'PortForwarding']);
  const boxes = types.map((t) => h('label.inline', h('input', { type: 'checkbox', value: t, name: 'services' }), ` ${t}`));
  const servicesError = h('span.field-error', { 'data-field': 'networkServices', role: 'alert' });
  const services: Field = { name: 'networkServices', control: h('div.checks', boxes), error: servicesError,
    read: () => boxes.map((b) => b.querySelector('input') as HTMLInputElement).filter((i) => i.checked).map((i) => i.value) };
  const all = [...fields, cidr, dns, services];
  const formError = h('p.error.form-error', { role: 'alert' });
  return h('form.api-form', {
    'data-api': 'CreateL3Network', novalidate: true,
    onsubmit: async (e: Event) => {
      e.preventDefault();
      const body: Record<string, unknown> = {};
      for (const f of fields) { const v = f.read(); if (v !== undefined) body[f.name] = v; }
      let l3: Inventory | null = null;
      let step: Field | null = null;
      try {
        l3 = (await api.call<{ inventory: Inventory }>('CreateL3Network', body)).inventory;
        const range = cidr.read();
        if (range) { step = cidr; await api.call('AddIpRangeByNetworkCidr', { l3NetworkUuid: l3.uuid, name: `${body.name}-range`, networkCidr: range }); }
        for (const server of (dns.read() as string[] | undefined) ?? []) { step = dns; await api.call('AddDnsToL3Network', { l3NetworkUuid: l3.uuid, dns: server }); }
        const chosen = services.read() as string[];
        if (chosen.length && provider) { step = services; await api.call('AttachNetworkServiceToL3Network', { l3NetworkUuid: l3.uuid, networkServices: { [provider.uuid]: chosen } }); }
        location.hash = `#/detail/l3/${l3.uuid}`;
      } catch (err) {
        if (l3) await api.call('DeleteL3Network', { uuid: l3.uuid }).catch(() => {});
        if (step && err instanceof ApiError && !fieldOfError(err, fields.map((f) => f.name))) {
          // a later step's error belongs to its own field
          showError(err, all, formError);
          for (const f of all) f.error.textContent = '';
          step.error.textContent = `${err.code}: ${err.details || err.description}`;
          step.control.setAttribute('aria-invalid', 'true');
        } else {
          showError(err, all, formError);
        }
      }
    },
  }, h('p.summary', 'Create an L3 network with its IP range, DNS servers and network services'),
  rows, fieldRow(cidr, { type: 'string', description: 'the range, e.g. 192.168.10.0/24 (AddIpRangeByNetworkCidr)' }, false),
  fieldRow(dns, { type: 'array', description: 'DNS servers, comma-separated, in order (AddDnsToL3Network)' }, false),
  fieldRow(services, { type: 'array', description: `services of the ${provider?.name ?? 'VirtualRouter'} provider` }, false),
  formError, h('button', { type: 'submit' }, 'Create'));
}

export function formPage(key: string, params: URLSearchParams): Page {
  const el = h('section.form-page');
  // a form the user has started filling is not redrawn by live events; an untouched one is, so its lists are fresh
  let touched = false;
  el.addEventListener('input', () => { touched = true; });
  return {
    el,
    async load() {
      if (touched) return;
      const spec = FORMS[key];
      const title = key === 'l3' ? 'New L3 network' : spec?.title ?? `No form ${key}`;
      mount(el, h('h1', title), h('p.muted', 'Loading…'));
      const form = key === 'l3' ? await l3Form() : spec ? await apiForm(spec, params) : h('p.error', `There is no form named ${key}.`);
      mount(el, h('h1', title), form);
    },
  };
}
