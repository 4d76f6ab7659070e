/**
 * The registry's HTTP API over `fetch` (browsers, Node 18+): typed calls for the agent flow
 * (temp token → register → heartbeat → unregister), operator login/logout, tokens and public
 * discovery. Failures throw `ArcpHttpError` carrying the problem+json body and Retry-After.
 */
import type {
  AgentMetrics,
  AgentMetricsUpdate,
  AgentRegistrationInput,
  AgentTypesResponse,
  HealthResponse,
  HeartbeatResponse,
  HttpAgentBody,
  LoginResponse,
  MetricsUpdateResponse,
  PublicStatsResponse,
  RefreshTokenResponse,
  RegisterResponse,
  RootResponse,
  SearchHit,
  SearchRequestInput,
  StatusMessageResponse,
  TempTokenResponse,
  UnregisterResponse,
  ValidateTokenResponse,
} from '@arcp/protocol';
import { ArcpError, ArcpHttpError, type Problem } from './errors';

export interface HttpOptions {
  /** The registry (or edge) base URL, e.g. `http://localhost:8001`. */
  baseUrl: string;
  /** A `fetch` implementation; defaults to the global one. */
  fetch?: typeof fetch;
  /** Per-request deadline (default 10 s). */
  timeoutMs?: number;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
}

export interface AgentFilters {
  status?: 'alive' | 'dead';
  agentType?: string;
  capabilities?: readonly string[];
  includeMetrics?: boolean;
}

const enc = encodeURIComponent;

export class ArcpHttp {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: HttpOptions | string) {
    const o = typeof options === 'string' ? { baseUrl: options } : options;
    this.baseUrl = o.baseUrl.replace(/\/+$/, '');
    const global = (globalThis as { fetch?: typeof fetch }).fetch;
    if (!o.fetch && !global) throw new ArcpError('no fetch implementation available');
    // Browsers refuse `fetch` called as a method of another object ("Illegal invocation"):
    // the global one is always called as a plain function.
    this.fetchImpl = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = o.timeoutMs ?? 10_000;
  }

  /** The WebSocket URL of a channel on the same host (`http` → `ws`, `https` → `wss`). */
  channelUrl(path: string): string {
    return this.baseUrl.replace(/^http/, 'ws') + path;
  }

  /** One call; JSON in and out. Throws ArcpHttpError for 4xx/5xx, ArcpError for network failures. */
  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, item);
      else url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: controller.signal,
      });
      text = await res.text();
    } catch (err) {
      const why = controller.signal.aborted ? `no answer within ${this.timeoutMs} ms` : (err as Error).message;
      throw new ArcpError(`${method} ${path}: ${why}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    if (res.ok) return body as T;
    const retry = Number(res.headers.get('retry-after'));
    const problem = body && typeof body === 'object' && 'status' in body ? (body as Problem) : undefined;
    throw new ArcpHttpError(res.status, problem, Number.isFinite(retry) && retry > 0 ? retry : undefined, method, path);
  }

  // Agent flow (reference §2.2–2.4).

  requestTempToken(agentId: string, agentType: string, agentKey: string): Promise<TempTokenResponse> {
    return this.request('POST', '/auth/agent/request_temp_token', {
      body: { agent_id: agentId, agent_type: agentType, agent_key: agentKey },
    });
  }

  registerAgent(token: string, registration: AgentRegistrationInput): Promise<RegisterResponse> {
    return this.request('POST', '/agents/register', { token, body: registration });
  }

  heartbeat(token: string, agentId: string): Promise<HeartbeatResponse> {
    return this.request('POST', `/agents/${enc(agentId)}/heartbeat`, { token });
  }

  unregisterAgent(token: string, agentId: string): Promise<UnregisterResponse> {
    return this.request('DELETE', `/agents/${enc(agentId)}`, { token });
  }

  updateMetrics(token: string, agentId: string, update: AgentMetricsUpdate): Promise<MetricsUpdateResponse> {
    return this.request('POST', `/agents/${enc(agentId)}/metrics`, { token, body: update });
  }

  getMetrics(token: string, agentId: string): Promise<AgentMetrics> {
    return this.request('GET', `/agents/${enc(agentId)}/metrics`, { token });
  }

  listAgents(token: string, filters: AgentFilters = {}): Promise<HttpAgentBody[]> {
    return this.request('GET', '/agents', {
      token,
      query: {
        status: filters.status,
        agent_type: filters.agentType,
        capabilities: filters.capabilities,
        include_metrics: filters.includeMetrics,
      },
    });
  }

  getAgent(token: string, agentId: string, includeMetrics = false): Promise<HttpAgentBody> {
    return this.request('GET', `/agents/${enc(agentId)}`, { token, query: { include_metrics: includeMetrics || undefined } });
  }

  // Operator and tokens (reference §2.6–2.7).

  login(username: string, password: string): Promise<LoginResponse> {
    return this.request('POST', '/auth/login', { body: { username, password } });
  }

  logout(token: string): Promise<StatusMessageResponse> {
    return this.request('POST', '/auth/logout', { token });
  }

  validateToken(token: string): Promise<ValidateTokenResponse> {
    return this.request('GET', '/tokens/validate', { token });
  }

  refreshToken(token: string): Promise<RefreshTokenResponse> {
    return this.request('POST', '/tokens/refresh', { token });
  }

  // Public reads (reference §2.5, §2.8).

  discover(
    query: { agentType?: string; capabilities?: readonly string[]; limit?: number; offset?: number } = {},
  ): Promise<HttpAgentBody[]> {
    return this.request('GET', '/public/discover', {
      query: { agent_type: query.agentType, capabilities: query.capabilities, limit: query.limit, offset: query.offset },
    });
  }

  publicAgent(agentId: string): Promise<HttpAgentBody> {
    return this.request('GET', `/public/agent/${enc(agentId)}`);
  }

  publicStats(): Promise<PublicStatsResponse> {
    return this.request('GET', '/public/stats');
  }

  agentTypes(): Promise<AgentTypesResponse> {
    return this.request('GET', '/public/agent_types');
  }

  search(request: SearchRequestInput): Promise<SearchHit[]> {
    return this.request('POST', '/public/search', { body: request });
  }

  health(): Promise<HealthResponse> {
    return this.request('GET', '/health');
  }

  root(): Promise<RootResponse> {
    return this.request('GET', '/');
  }
}
