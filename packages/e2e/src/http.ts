/**
 * The registry HTTP calls the suite needs, as an ARCP client makes them (as the original ARCP client does):
 * temp token → register → heartbeat/unregister, and admin login/logout.
 */
export interface Json {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function call(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<Json> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const signal = opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs);
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    ...(signal ? { signal } : {}),
  });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { text };
  }
  return { status: res.status, body, headers: res.headers };
}

export function registration(agentId: string, agentType = 'testing'): Record<string, unknown> {
  return {
    agent_id: agentId,
    name: `Agent ${agentId}`.slice(0, 32),
    agent_type: agentType,
    endpoint: 'http://localhost:8010',
    capabilities: ['processing', 'analysis'],
    context_brief: 'An end-to-end test agent registered by the suite',
    version: '1.0.0',
    owner: 'E2E Suite',
    public_key: 'test-public-key-that-is-at-least-32-characters-long-for-validation',
    communication_mode: 'remote',
    metadata: { environment: 'test', purpose: 'websocket-demo' },
  };
}

export interface RegisteredAgent {
  agentId: string;
  tempToken: string;
  accessToken: string;
}

/** The whole agent registration flow; throws with the response when a step fails. */
export async function registerAgent(base: string, agentId: string, agentKey: string, agentType = 'testing'): Promise<RegisteredAgent> {
  const temp = await call(base, 'POST', '/auth/agent/request_temp_token', {
    body: { agent_id: agentId, agent_type: agentType, agent_key: agentKey },
  });
  if (temp.status !== 200) throw new Error(`temp token: ${temp.status} ${JSON.stringify(temp.body)}`);
  const tempToken = String(temp.body.temp_token);
  const reg = await call(base, 'POST', '/agents/register', { token: tempToken, body: registration(agentId, agentType) });
  if (reg.status !== 200) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
  return { agentId, tempToken, accessToken: String(reg.body.access_token) };
}

export async function loginAdmin(base: string, username: string, password: string): Promise<string> {
  const res = await call(base, 'POST', '/auth/login', { body: { username, password } });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${JSON.stringify(res.body)}`);
  return String(res.body.access_token);
}
