// The one client of the management node's public API. Every request of the console goes through here: calls and
// queries speak ZStack's REST API v1 (/zstack/v1/..., Authorization: OAuth, 202 + polling of api-jobs as ZStack's SDK
// does), the live events come from GET /v1/events, the forms' parameters from GET /v1/openapi.json.

/** An error reply of the API: {"error":{"code","description","details"}}, with the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
    readonly details: string,
  ) {
    super(`${code} ${description}: ${details}`);
  }
}

/** Any inventory: the API's JSON objects; pages read the fields they know. */
export type Inventory = Record<string, unknown> & { uuid: string; name?: string };

export interface QueryOptions {
  /** zstack-cli conditions, each as typed: name~=web, vmNics.ip=10.0.0.5, state?=Running,Stopped */
  conditions?: string[];
  /** a field, with - in front for descending */
  sort?: string;
  limit?: number;
  start?: number;
  /** ask for the total number of matches as well */
  withTotal?: boolean;
  /** only these fields of each inventory */
  fields?: string[];
}

export interface QueryResult<T> {
  inventories: T[];
  total?: number;
}

/** One event of GET /v1/events. */
export interface LiveEvent {
  id: number;
  at: number;
  kind: 'STATUS' | 'CHANGED' | 'ERROR';
  resourceType: string;
  uuid: string | null;
  status: string | null;
  detail: string | null;
}

export interface OpenApiParam {
  type: string;
  description?: string;
  enum?: string[];
  items?: { type: string; enum?: string[] };
  default?: unknown;
  minimum?: number;
  maximum?: number;
  format?: string;
}

export interface ApiDescription {
  name: string;
  summary: string;
  params: Record<string, OpenApiParam>;
  required: string[];
}

/** One API's REST v1 route as the node lists it at GET /zstack/v1/api-routes. */
interface RestRoute {
  apiName: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** with {var} segments filled from the parameters, e.g. /vm-instances/{uuid}/actions */
  path: string;
  sync: boolean;
}

const SESSION_KEY = 'vrouter.session';
const REST = '/zstack/v1';
/** How often a job still running (202) is asked again; the SDK asks at once, then at its interval. */
const POLL_INTERVAL_MS = 250;

export class Api {
  /** Called when the node says the session is gone (logged out elsewhere, timed out). */
  onSessionLost: (reason: string) => void = () => {};
  private catalogue: Map<string, ApiDescription> | null = null;
  private routes: Promise<Map<string, RestRoute>> | null = null;

  constructor(private readonly base = '') {}

  get session(): string | null {
    return localStorage.getItem(SESSION_KEY);
  }

  /** ZStack's login: the password travels as its hex SHA-512, as ZStack's own clients send it. */
  async logIn(accountName: string, password: string): Promise<void> {
    const reply = await this.call<{ inventory: { uuid: string } }>('LogInByAccount', { accountName, password: await sha512(password) });
    localStorage.setItem(SESSION_KEY, reply.inventory.uuid);
  }

  async logOut(): Promise<void> {
    try {
      if (this.session) await this.call('LogOut', { sessionUuid: this.session });
    } finally {
      localStorage.removeItem(SESSION_KEY);
    }
  }

  /**
   * Any API by its ZStack name, over REST v1 as ZStack's SDK calls it: the API's method and path with its {var}s
   * filled from `params`; the rest as {"params": ...} (POST), {"<apiName>": ...} (PUT actions) or the query string
   * (GET, DELETE). A 202 is a job: its location is polled until it answers. Throws ApiError on an error reply.
   */
  async call<T = Record<string, unknown>>(name: string, params: Record<string, unknown>): Promise<T> {
    const route = (await this.routeTable()).get(name);
    if (!route) throw new Error(`the node has no REST route for ${name}`);
    const rest: Record<string, unknown> = { ...params };
    const path = route.path.replace(/\{(\w+)\}/g, (_, variable: string) => {
      const value = rest[variable];
      delete rest[variable];
      if (value === undefined || value === null || value === '') throw new Error(`${name} needs ${variable}`);
      return encodeURIComponent(String(value));
    });
    if (route.method === 'GET' || route.method === 'DELETE') {
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(rest)) {
        if (v === undefined || v === null) continue;
        for (const item of Array.isArray(v) ? v : [v]) search.append(k, typeof item === 'object' ? JSON.stringify(item) : String(item));
      }
      const qs = search.toString();
      return this.request<T>(`${REST}${path}${qs ? `?${qs}` : ''}`, { method: route.method });
    }
    const { systemTags, userTags, ...others } = rest;
    const key = route.method === 'PUT' ? name.charAt(0).toLowerCase() + name.slice(1) : 'params';
    const body: Record<string, unknown> = { [key]: others };
    if (systemTags !== undefined) body.systemTags = systemTags;
    if (userTags !== undefined) body.userTags = userTags;
    return this.request<T>(`${REST}${path}`, { method: route.method, body: JSON.stringify(body) });
  }

  /** The node's REST v1 route of every API (no session needed), read once. */
  private routeTable(): Promise<Map<string, RestRoute>> {
    if (!this.routes) {
      this.routes = this.request<{ routes: RestRoute[] }>(`${REST}/api-routes`, { method: 'GET' })
        .then((t) => new Map(t.routes.map((r) => [r.apiName, r])))
        .catch((e) => {
          this.routes = null;
          throw e;
        });
    }
    return this.routes;
  }

  /** GET /zstack/v1/{collection}?q=...: a query of REST v1. */
  async query<T = Inventory>(collection: string, options: QueryOptions = {}): Promise<QueryResult<T>> {
    const search = new URLSearchParams();
    for (const c of options.conditions ?? []) search.append('q', c);
    if (options.sort) search.set('sort', options.sort.startsWith('-') ? options.sort : `+${options.sort}`);
    if (options.limit !== undefined) search.set('limit', String(options.limit));
    if (options.start !== undefined) search.set('start', String(options.start));
    if (options.withTotal) search.set('replyWithCount', 'true');
    if (options.fields?.length) search.set('fields', options.fields.join(','));
    const qs = search.toString();
    return this.request<QueryResult<T>>(`${REST}/${collection}${qs ? `?${qs}` : ''}`, { method: 'GET' });
  }

  /** Every match of a query, in pages of 5,000. */
  async all<T = Inventory>(collection: string, options: QueryOptions = {}): Promise<T[]> {
    const size = 5000;
    const out: T[] = [];
    for (let start = 0; ; start += size) {
      const page = await this.query<T>(collection, { ...options, limit: size, start });
      out.push(...page.inventories);
      if (page.inventories.length < size) return out;
    }
  }

  /** How many match: the query's total without its rows. */
  async count(collection: string, conditions: string[] = []): Promise<number> {
    const search = new URLSearchParams();
    for (const c of conditions) search.append('q', c);
    search.set('count', 'true');
    const r = await this.request<QueryResult<unknown>>(`${REST}/${collection}?${search}`, { method: 'GET' });
    return r.total ?? 0;
  }

  /** One resource by uuid, or null. */
  async get<T = Inventory>(collection: string, uuid: string): Promise<T | null> {
    const r = await this.query<T>(collection, { conditions: [`uuid=${uuid}`] });
    return r.inventories[0] ?? null;
  }

  /** The API catalogue from GET /v1/openapi.json: parameters, types, choices; forms are drawn from it. */
  async describe(name: string): Promise<ApiDescription> {
    if (!this.catalogue) {
      const doc = await this.request<{ paths: Record<string, { post: OpenApiOperation }> }>('/v1/openapi.json', { method: 'GET' });
      this.catalogue = new Map();
      for (const op of Object.values(doc.paths)) {
        const schema = op.post.requestBody?.content['application/json'].schema;
        this.catalogue.set(op.post.operationId, {
          name: op.post.operationId,
          summary: op.post.summary,
          params: schema?.properties ?? {},
          required: schema?.required ?? [],
        });
      }
    }
    const api = this.catalogue.get(name);
    if (!api) throw new Error(`the node has no API ${name}`);
    return api;
  }

  /**
   * GET /v1/events as server-sent events, read with fetch so the session travels in the Authorization header (an
   * EventSource cannot send one). Reconnects after a drop with Last-Event-ID; `onHello` runs at each (re)connect,
   * once the events missed since the last one have been handed to `onEvent`. Returns the stop function.
   */
  events(onEvent: (e: LiveEvent) => void, onHello: () => void, onState: (connected: boolean) => void): () => void {
    let stopped = false;
    let lastId: string | null = null;
    const abort = new AbortController();
    const run = async () => {
      while (!stopped) {
        try {
          const headers: Record<string, string> = { Accept: 'text/event-stream', Authorization: `OAuth ${this.session}` };
          if (lastId) headers['Last-Event-ID'] = lastId;
          const response = await fetch(`${this.base}/v1/events`, { headers, signal: abort.signal });
          if (response.status === 401) {
            this.lostSession(await readError(response));
            return;
          }
          if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
          onState(true);
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              let name = 'message';
              let data = '';
              for (const line of block.split('\n')) {
                if (line.startsWith('event:')) name = line.slice(6).trim();
                else if (line.startsWith('data:')) data += line.slice(5).trim();
                else if (line.startsWith('id:')) lastId = line.slice(3).trim();
              }
              if (name === 'hello') onHello();
              else if (name === 'session-ended') {
                this.lostSession(JSON.parse(data).detail);
                return;
              } else if (data) onEvent(JSON.parse(data) as LiveEvent);
            }
          }
        } catch (e) {
          if (stopped) return;
        }
        onState(false);
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    void run();
    return () => {
      stopped = true;
      abort.abort();
    };
  }

  private lostSession(reason: string): void {
    localStorage.removeItem(SESSION_KEY);
    this.onSessionLost(reason);
  }

  /** One request; a 202 (a job of REST v1) is followed to its end as the SDK does: at once, then every 250 ms. */
  private async request<T>(path: string, init: RequestInit): Promise<T> {
    const headers: Record<string, string> = {};
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.session) headers.Authorization = `OAuth ${this.session}`;
    let response = await fetch(`${this.base}${path}`, { ...init, headers });
    if (response.status === 202) {
      const { location } = (await response.json()) as { location: string };
      const job = `${this.base}${new URL(location, window.location.href).pathname}`;
      const auth: Record<string, string> = this.session ? { Authorization: `OAuth ${this.session}` } : {};
      response = await fetch(job, { headers: auth });
      while (response.status === 202) {
        await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
        response = await fetch(job, { headers: auth });
      }
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      throw new ApiError(response.status, `HTTP ${response.status}`, 'not JSON', text.slice(0, 200));
    }
    const error = (body as { error?: { code: string; description: string; details: string } }).error;
    if (!response.ok || error) {
      const e = new ApiError(response.status, error?.code ?? `HTTP ${response.status}`, error?.description ?? '', error?.details ?? text);
      if (response.status === 401 && !path.startsWith(`${REST}/accounts/login`)) this.lostSession(e.details);
      throw e;
    }
    return body as T;
  }
}

/** The hex SHA-512 of what the user typed; the typed text itself where the browser offers no digest (plain HTTP). */
async function sha512(typed: string): Promise<string> {
  if (!globalThis.crypto?.subtle) return typed; // the node takes either form (docs/api.md)
  const digest = await crypto.subtle.digest('SHA-512', new TextEncoder().encode(typed));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

interface OpenApiOperation {
  operationId: string;
  summary: string;
  requestBody?: { content: { 'application/json': { schema: { properties: Record<string, OpenApiParam>; required?: string[] } } } };
}

async function readError(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { details?: string } };
    return body.error?.details ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

export const api = new Api();
