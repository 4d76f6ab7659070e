/**
 * The registry against its published description (`HTTP_API` in @arcp/protocol, from which the
 * OpenAPI document is generated): the same routes, success bodies that match the documented
 * schema, and no failure status the document does not list.
 */
import { COMMON_PROBLEMS, HTTP_API, ProblemDetailsSchema, type HttpRoute } from '@arcp/protocol';
import { apiDocuments } from '@arcp/schemas';
import { adminToken, AGENT_KEY, OTHER_KEY, registration, startHarness, type Harness } from '../test-support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.registry.stop();
});

const key = (method: string, path: string) => `${method} ${path}`;

function routeFor(method: string, path: string): HttpRoute {
  const found = HTTP_API.find((r) => r.method === method && r.path === path);
  if (!found) throw new Error(`no catalog entry for ${method} ${path}`);
  return found;
}

/** Calls a catalog route and checks the answer against what the catalog says about it. */
async function checked(method: HttpRoute['method'], path: string, concrete: string, opts: Parameters<Harness['call']>[2] = {}) {
  const route = routeFor(method, path);
  const res = await h.call(method, concrete, opts);
  const allowed = [route.success.status, ...Object.keys(route.problems).map(Number), ...Object.keys(COMMON_PROBLEMS).map(Number)];
  expect({ route: key(method, path), status: res.status, allowed: allowed.includes(res.status) }).toEqual({
    route: key(method, path),
    status: res.status,
    allowed: true,
  });
  if (res.status === route.success.status && route.success.schema) {
    const parsed = route.success.schema.safeParse(res.body);
    expect({ route: key(method, path), issues: parsed.error?.issues ?? [] }).toEqual({ route: key(method, path), issues: [] });
  }
  if (res.status >= 400) expect(ProblemDetailsSchema.safeParse(res.body).success).toBe(true);
  return res;
}

describe('HTTP_API catalog', () => {
  it('documents exactly the routes the registry mounts', () => {
    const mounted = h.registry.routes.map((r) => key(r.method, r.pattern)).sort();
    const documented = HTTP_API.map((r) => key(r.method, r.path)).sort();
    expect(mounted).toEqual(documented);
  });

  it('matches every success body of the agent flow, operator flow and public reads', async () => {
    const temp = await checked('POST', '/auth/agent/request_temp_token', '/auth/agent/request_temp_token', {
      body: { agent_id: 'cat-1', agent_type: 'security', agent_key: AGENT_KEY },
    });
    const tempToken = temp.json['temp_token'] as string;
    const reg = await checked('POST', '/agents/register', '/agents/register', {
      token: tempToken,
      body: registration('cat-1', { max_tokens: 4000 }),
    });
    const token = reg.json['access_token'] as string;
    await checked('POST', '/agents/:agent_id/heartbeat', '/agents/cat-1/heartbeat', { token });
    await checked('POST', '/agents/:agent_id/metrics', '/agents/cat-1/metrics', { token, body: { success_rate: 0.5 } });
    await checked('GET', '/agents/:agent_id/metrics', '/agents/cat-1/metrics', { token });
    await checked('GET', '/agents', '/agents?include_metrics=true', { token });
    await checked('GET', '/agents/:agent_id', '/agents/cat-1', { token });
    await checked('GET', '/public/discover', '/public/discover');
    await checked('GET', '/public/agent/:agent_id', '/public/agent/cat-1');
    await checked('GET', '/public/stats', '/public/stats');
    await checked('GET', '/public/agent_types', '/public/agent_types');
    const hits = await checked('POST', '/public/search', '/public/search', { body: { query: 'scans hosts', weighted: true } });
    expect(hits.body).toHaveLength(1);
    await checked('GET', '/tokens/validate', '/tokens/validate', { token });
    await checked('POST', '/tokens/refresh', '/tokens/refresh', { token });
    await checked('GET', '/health', '/health');
    await checked('GET', '/', '/');
    const admin = (
      await checked('POST', '/auth/login', '/auth/login', { body: { username: 'ARCP', password: 'correct horse battery staple' } })
    ).json['access_token'] as string;
    await checked('POST', '/auth/logout', '/auth/logout', { token: admin });
    await checked('DELETE', '/agents/:agent_id', '/agents/cat-1', { token });
  });

  it('answers no failure status the catalog does not list, whatever the credential', async () => {
    const agent = (
      await h.call('POST', '/auth/agent/request_temp_token', { body: { agent_id: 'cat-2', agent_type: 'security', agent_key: OTHER_KEY } })
    ).json;
    const temp = agent['temp_token'] as string;
    const access = (await h.call('POST', '/agents/register', { token: temp, body: registration('cat-2') })).json['access_token'] as string;
    const tokens = [undefined, 'not-a-token', temp, access, await adminToken(h)];
    for (const route of HTTP_API) {
      const path = route.path.replace(/:([a-z_]+)/g, (_m, p: string) => (p === 'agent_id' ? 'nobody' : 'x'));
      for (const token of tokens) {
        for (const body of [undefined, {}, { agent_id: 'cat-2', query: 'x' }])
          await checked(route.method, route.path, path, { token, body, ip: '10.9.9.9' });
      }
    }
  });

  it('serves the generated documents and the /docs page', async () => {
    const docs = apiDocuments();
    const json = { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' };
    const openapi = await checked('GET', '/openapi.json', '/openapi.json');
    expect(openapi.headers).toMatchObject(json);
    expect(openapi.body).toBe(docs.openapiJson);
    const asyncapi = await checked('GET', '/asyncapi.json', '/asyncapi.json');
    expect(asyncapi.headers).toMatchObject(json);
    expect(asyncapi.body).toBe(docs.asyncapiJson);
    const page = await checked('GET', '/docs', '/docs');
    expect(page.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
    });
    expect(String(page.body)).toContain('<h2 id="http">HTTP API</h2>');
  });
});
