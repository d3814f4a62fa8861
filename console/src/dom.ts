// A few lines of DOM building, so pages read as the markup they make.

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | ((e: Event) => void) | undefined | null>;

/** h('div.card#main', {onclick: f, title: 't'}, children...) */
export function h(tag: string, attrs: Attrs | Child = {}, ...children: Child[]): HTMLElement {
  if (attrs instanceof Node || typeof attrs !== 'object' || Array.isArray(attrs) || attrs === null) {
    children.unshift(attrs as Child);
    attrs = {};
  }
  const [name, ...rest] = tag.split(/(?=[.#])/);
  const el = document.createElement(name || 'div');
  for (const part of rest) {
    if (part.startsWith('.')) el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  for (const [k, v] of Object.entries(attrs as Attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v as EventListener);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's content. */
export function mount(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A status as a coloured badge: green for Connected/Running/Enabled, red for Disconnected/Stopped, amber between. */
export function badge(value: unknown): HTMLElement {
  const text = String(value ?? '');
  return h(`span.badge.${statusClass(text)}`, { 'data-status': text }, text);
}

export function statusClass(status: string): string {
  if (['Connected', 'Running', 'Enabled', 'Ready', 'Master'].includes(status)) return 'ok';
  if (['Disconnected', 'Stopped', 'Destroyed', 'Error', 'Disabled', 'Unknown'].includes(status)) return 'bad';
  return 'busy';
}

export function link(href: string, text: string): HTMLElement {
  return h('a', { href }, text);
}

export function shortUuid(uuid: unknown): string {
  return typeof uuid === 'string' ? uuid.slice(0, 8) : '';
}
