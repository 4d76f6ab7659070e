import { adminToken, registerAgent, startHarness, type Harness } from '../test-support/harness';

let h: Harness;
let agent: string;
let admin: string;
beforeAll(async () => {
  h = await startHarness({ MAX_JSON_SIZE: '2048' });
  agent = await registerAgent(h, 'host-1');
  admin = await adminToken(h);
});
afterAll(async () => {
  await h.registry.stop();
});

const BODIES: Array<[string, string | Buffer]> = [
  ['empty', ''],
  ['not json', '{"agent_id": '],
  ['array', '[1,2,3]'],
  ['number', '42'],
  ['null', 'null'],
  ['string', '"hello"'],
  ['deep nesting', '['.repeat(5000) + ']'.repeat(5000)],
  ['proto pollution', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'],
  ['binary', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80])],
  ['oversized', JSON.stringify({ query: 'x'.repeat(4096) })],
  ['wrong types', '{"agent_id":123,"name":[],"metadata":"x","capabilities":{"a":1},"query":5,"top_k":"lots"}'],
];

describe('hostile input on every route', () => {
  it.each(BODIES)('answers %s bodies with problem+json and never throws', async (_name, raw) => {
    for (const route of h.registry.routes) {
      const path = route.pattern.replace(/:([a-z_]+)/g, 'host-1');
      for (const token of [undefined, agent, admin]) {
        const res = await h.call(route.method, path, { raw, token, ip: '10.66.0.1' });
        // A success (a route that needs no body), a client error, or the documented 501 of the
        // out-of-scope routes: never a server error.
        const answered = res.status === 200 || (res.status >= 400 && res.status < 500) || res.status === 501;
        expect({ route: `${route.method} ${path}`, status: res.status, answered }).toMatchObject({ answered: true });
        if (res.status >= 400) {
          expect(res.headers?.['content-type']).toBe('application/problem+json');
          expect(res.json).toMatchObject({ status: res.status, instance: path });
          expect(res.status).not.toBe(500);
        }
      }
    }
  });

  it('answers 413 for bodies over MAX_JSON_SIZE and declares the limit on every route', async () => {
    const res = await h.call('POST', '/public/search', { raw: JSON.stringify({ query: 'x'.repeat(4096) }) });
    expect(res.status).toBe(413);
    expect(h.registry.routes.every((r) => r.maxBodyBytes === 2048)).toBe(true);
  });

  it('still serves normal traffic after the barrage', async () => {
    // The barrage legitimately logged the admin out and unregistered host-1; start afresh.
    const token = await registerAgent(h, 'host-2', 'test-agent-key-456');
    const res = await h.call('GET', '/agents/host-2', { token: await adminToken(h) });
    expect(res.status).toBe(200);
    expect((await h.call('POST', '/agents/host-2/heartbeat', { token })).status).toBe(200);
  });

  it('answers out-of-scope endpoints clearly', async () => {
    const tpr = await h.call('POST', '/auth/agent/validate_compliance', { body: {} });
    expect(tpr.status).toBe(400);
    expect(tpr.json['detail']).toMatch(/not enabled/);
    expect((await h.call('POST', '/public/connect/host-1', { body: {} })).status).toBe(501);
    expect((await h.call('POST', '/auth/set_pin', { body: { pin: '4711' } })).status).toBe(501);
  });
});
