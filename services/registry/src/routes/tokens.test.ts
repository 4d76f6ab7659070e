import { subjects } from '@arcp/protocol';
import { createMemoryBus } from '@arcp/service-kit';
import { adminToken, fakeClock, hookKv, registerAgent, startHarness, type Harness } from '../test-support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.registry.stop();
});

async function failures(reason: string): Promise<number> {
  const text = await h.metrics.getSingleMetricAsString('arcp_registry_auth_failures_total');
  return Number(new RegExp(`reason="${reason}"} (\\d+)`).exec(text)?.[1] ?? 0);
}

const forged = (token: string) => `${token.slice(0, token.lastIndexOf('.'))}.AAAA`;

describe('GET /tokens/validate', () => {
  it('names why a token is refused in the reference wording, and counts it', async () => {
    const token = await registerAgent(h, 'tv-1');
    const bad = await h.call('GET', '/tokens/validate', { token: forged(token) });
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ valid: false, error: 'Invalid token: Signature verification failed' });
    expect(bad.json['type']).toMatch(/\/token-invalid$/);
    h.clock.advance(61 * 60_000);
    const expired = await h.call('GET', '/tokens/validate', { token });
    expect(expired.json).toMatchObject({
      valid: false,
      error: 'Invalid token: Signature has expired',
      detail: 'Invalid token: Signature has expired',
    });
    expect([await failures('bad_signature'), await failures('expired')]).toEqual([1, 1]);
  });

  it('answers valid with the subject and claims', async () => {
    const admin = await adminToken(h);
    const res = await h.call('GET', '/tokens/validate', { token: admin });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ valid: true, agent_id: 'ARCP', payload: { sub: 'ARCP', role: 'admin' } });
  });
});

describe('POST /tokens/refresh', () => {
  it('refuses expired, forged and revoked tokens with the reason', async () => {
    const token = await registerAgent(h, 'tr-1');
    expect((await h.call('POST', '/tokens/refresh', { token: forged(token) })).json['detail']).toBe(
      'Token refresh failed: Signature verification failed',
    );
    const none = await h.call('POST', '/tokens/refresh');
    expect(none.status).toBe(401);
    expect(none.json['detail']).toBe('Authentication required for token refresh');
    expect((await h.call('DELETE', '/agents/tr-1', { token })).status).toBe(200);
    const revoked = await h.call('POST', '/tokens/refresh', { token });
    expect(revoked.status).toBe(401);
    expect(revoked.json['detail']).toBe('Token refresh failed: Token has been revoked');
    expect(revoked.json['type']).toMatch(/\/token-invalid$/);
    expect(await failures('revoked')).toBe(1);
  });
});

describe('token endpoints when the revocation lookup fails', () => {
  it('answer 500, not a refused token', async () => {
    const state = { fail: false };
    const broken = await startHarness(
      {},
      {
        bus: hookKv(createMemoryBus(), subjects('test').revokedBucket, (op) => {
          if (state.fail && op === 'get') throw new Error('disk failure');
        }),
        clock: fakeClock(),
      },
    );
    try {
      const token = await registerAgent(broken, 'tf-1');
      state.fail = true;
      expect((await broken.call('GET', '/tokens/validate', { token })).status).toBe(500);
      expect((await broken.call('POST', '/tokens/refresh', { token })).status).toBe(500);
    } finally {
      await broken.registry.stop();
    }
  });
});
