/**
 * Test harness: a registry on a given bus with a controllable clock, plain request objects
 * routed to its RouteDefs, and a recorder of everything it publishes.
 */
import { subjects } from '@arcp/protocol';
import {
  createLogger,
  createMemoryBus,
  loadConfig,
  type Bus,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  type KvStore,
} from '@arcp/service-kit';
import { Registry } from 'prom-client';
import { Writable } from 'node:stream';
import { RegistryEnv, type RegistryConfig } from '../config';
import { createRegistry, type RegistryService } from '../registry';

export const AGENT_KEY = 'test-registration-key-123';
export const OTHER_KEY = 'test-agent-key-456';
export const ADMIN_PASSWORD = 'correct horse battery staple';

export interface Clock {
  now(): number;
  advance(ms: number): void;
}

export function fakeClock(start = Date.UTC(2025, 8, 7, 21, 28, 48, 934)): Clock {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

export function testConfig(env: Record<string, string> = {}): RegistryConfig {
  return loadConfig(RegistryEnv, {
    ARCP_BUS_PREFIX: 'test',
    JWT_SECRET: 'registry-test-secret-0123456789abcdef',
    AGENT_KEYS: `${AGENT_KEY},${OTHER_KEY}`,
    ADMIN_USERNAME: 'ARCP',
    ADMIN_PASSWORD,
    INSTANCE_ID: 'test-1',
    LOG_LEVEL: 'fatal',
    ...env,
  });
}

export interface Published {
  subject: string;
  body: Record<string, unknown>;
}

export interface Harness {
  registry: RegistryService;
  bus: Bus;
  clock: Clock;
  metrics: Registry;
  published: Published[];
  /** Log lines at warn and above (audit lines among them), parsed. */
  logs: Array<Record<string, unknown>>;
  call(method: HttpMethod, path: string, opts?: CallOptions): Promise<HttpResponse & { json: Record<string, unknown> }>;
}

export interface CallOptions {
  body?: unknown;
  raw?: Buffer | string;
  token?: string;
  headers?: Record<string, string>;
  ip?: string;
}

function collectingLogger(lines: Array<Record<string, unknown>>) {
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return createLogger({ service: 'registry-test', level: 'warn', destination: sink });
}

export async function startHarness(env: Record<string, string> = {}, shared?: { bus: Bus; clock: Clock }): Promise<Harness> {
  const config = testConfig(env);
  const bus = shared?.bus ?? createMemoryBus();
  const clock = shared?.clock ?? fakeClock();
  const metrics = new Registry();
  const logs: Array<Record<string, unknown>> = [];
  const registry = createRegistry({ config, bus, logger: collectingLogger(logs), metricsRegistry: metrics, now: clock.now });
  const published: Published[] = [];
  const names = subjects(config.ARCP_BUS_PREFIX);
  for (const subject of [names.directoryChanged, names.logEvents, names.revocations]) {
    bus.subscribe(subject, (m) => published.push({ subject, body: JSON.parse(Buffer.from(m.data).toString()) as Record<string, unknown> }));
  }
  await registry.start();
  const call: Harness['call'] = async (method, path, opts = {}) => {
    const res = await dispatch(registry, request(method, path, opts));
    const json = typeof res.body === 'object' && res.body !== null ? (res.body as Record<string, unknown>) : {};
    return { ...res, json };
  };
  return { registry, bus, clock, metrics, published, logs, call };
}

export function request(method: HttpMethod, pathWithQuery: string, opts: CallOptions = {}): HttpRequest {
  const url = new URL(pathWithQuery, 'http://registry.test');
  const hasBody = opts.raw !== undefined || opts.body !== undefined;
  const headers: Record<string, string> = { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...(opts.headers ?? {}) };
  if (opts.token !== undefined) headers['authorization'] = `Bearer ${opts.token}`;
  const body =
    opts.raw !== undefined ? Buffer.from(opts.raw) : opts.body !== undefined ? Buffer.from(JSON.stringify(opts.body)) : Buffer.alloc(0);
  return {
    method,
    path: url.pathname,
    params: {},
    query: url.searchParams,
    headers,
    ip: opts.ip ?? '10.0.0.1',
    requestId: `req-${url.pathname}`,
    body,
  };
}

/** Routes like uWS: literal segments first, then `:param` segments. */
export async function dispatch(registry: RegistryService, req: HttpRequest): Promise<HttpResponse> {
  const segs = req.path.split('/');
  const candidates = registry.routes
    .filter((r) => r.method === req.method && r.pattern.split('/').length === segs.length)
    .map((r) => ({ r, params: matchParams(r.pattern, segs) }))
    .filter((m) => m.params !== null)
    .sort((a, b) => Object.keys(a.params!).length - Object.keys(b.params!).length);
  const hit = candidates[0];
  if (hit === undefined) return { status: 404, body: { detail: 'no route' } };
  return hit.r.handler({ ...req, params: hit.params! });
}

function matchParams(pattern: string, segs: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  const parts = pattern.split('/');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(segs[i]!);
    else if (p !== segs[i]) return null;
  }
  return params;
}

/** A registration body that passes every rule of the original ARCP server */
export function registration(agentId: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    agent_id: agentId,
    name: `Agent ${agentId}`.slice(0, 32),
    agent_type: 'security',
    endpoint: `https://agents.example.com/${agentId}`,
    context_brief: 'Scans hosts for vulnerabilities and reports findings',
    capabilities: ['vulnerability-scan', 'reporting'],
    owner: 'Blue Team',
    public_key: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvX',
    metadata: { region: 'eu-west', tier: 1 },
    version: '1.2.3',
    communication_mode: 'remote',
    ...over,
  };
}

/** A temp registration token for `agentId`, from `key`; throws unless the registry answers 200. */
export async function tempToken(h: Harness, agentId: string, key = AGENT_KEY, agentType = 'security'): Promise<string> {
  const temp = await h.call('POST', '/auth/agent/request_temp_token', {
    body: { agent_id: agentId, agent_type: agentType, agent_key: key },
  });
  if (temp.status !== 200) throw new Error(`temp token: ${temp.status} ${JSON.stringify(temp.json)}`);
  return temp.json['temp_token'] as string;
}

/** Temp token → register; returns the agent's access token. */
export async function registerAgent(h: Harness, agentId: string, key = AGENT_KEY, over: Record<string, unknown> = {}): Promise<string> {
  const reg = await h.call('POST', '/agents/register', { token: await tempToken(h, agentId, key), body: registration(agentId, over) });
  if (reg.status !== 200) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.json)}`);
  return reg.json['access_token'] as string;
}

export async function adminToken(h: Harness): Promise<string> {
  const res = await h.call('POST', '/auth/login', { body: { username: 'ARCP', password: ADMIN_PASSWORD } });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json['access_token'] as string;
}

export type KvOp = 'get' | 'put' | 'create' | 'update' | 'delete';

/**
 * Runs before each keyed operation on a hooked bucket, with the bucket itself for writes of its
 * own (a concurrent writer's); a throw fails the operation.
 */
export type KvHook = (op: KvOp, key: string, kv: KvStore) => void | Promise<void>;

const HOOKED_OPS: ReadonlySet<PropertyKey> = new Set<KvOp>(['get', 'put', 'create', 'update', 'delete']);

/**
 * `bus` with `hook` run before every keyed operation on `bucket`: lets a test put a concurrent
 * writer between the registry's read and its compare-and-set, or make one write fail.
 */
export function hookKv(bus: Bus, bucket: string, hook: KvHook): Bus {
  const wrap = (kv: KvStore): KvStore =>
    new Proxy(kv, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        if (!HOOKED_OPS.has(prop)) return value.bind(target);
        return async (key: string, ...rest: unknown[]) => {
          await hook(prop as KvOp, key, target);
          return (value as (...args: unknown[]) => unknown).call(target, key, ...rest);
        };
      },
    });
  return new Proxy(bus, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (prop === 'kv') {
        return async (name: string, opts?: Parameters<Bus['kv']>[1]) => {
          const kv = await target.kv(name, opts);
          return name === bucket ? wrap(kv) : kv;
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Lets queued bus deliveries run. */
export function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 5));
}
