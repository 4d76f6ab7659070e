/**
 * End-to-end checks of every channel's limits on a topology started with `limitsEnv()`: the
 * connection cap (503), a flood (4008), a stalled reader (4201, counted) next to a reader backed
 * up only briefly (kept), a token that expires on an open socket (4202, then the channel's auth
 * failure for the same token), and the drain on SIGTERM (4200). Every wait is for a condition:
 * a frame, a close, or a figure on the gateway's `/metrics`.
 */
import type { Socket } from 'node:net';
import { SignJWT } from 'jose';
import { CHANNEL_NAMES } from '@arcp/protocol';
import { waitFor } from '@arcp/testkit';
import { call, registerAgent, registration } from './http';
import type { SuiteContext } from './context';
import type { Channel } from './topology';
import type { TestClient } from './ws-client';

const PREFIX: Record<Channel, string> = { public: 'PUBLIC', agents: 'AGENT', dashboard: 'DASHBOARD' };
const CAPS: Record<Channel, number> = { public: 4, agents: 3, dashboard: 3 };
/** Seconds a send buffer may stay over the limit: long enough that "briefly" never races it. */
const GRACE_S = 3;

/** Small caps, a 64 KiB send buffer limit with a 3 s grace, on every channel; agents stay alive without heartbeats. */
export function limitsEnv(): Record<string, string> {
  // The big agents of the slow-consumer tests stay alive (public updates carry alive agents only).
  const env: Record<string, string> = { AGENT_HEARTBEAT_TIMEOUT: '600' };
  for (const channel of CHANNEL_NAMES) {
    const p = PREFIX[channel];
    env[`${p}_WS_MAX_CONNECTIONS`] = String(CAPS[channel]);
    env[`${p}_WS_MAX_BACKPRESSURE_BYTES`] = String(64 * 1024);
    env[`${p}_WS_SLOW_CONSUMER_GRACE`] = String(GRACE_S);
    env[`${p}_WS_RATE_PER_S`] = '50';
    env[`${p}_WS_RATE_BURST`] = '100';
  }
  return env;
}

/** The sum of a metric's series whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.split(' ').pop());
  }
  return sum;
}

const socketOf = (c: TestClient) => (c.ws as unknown as { _socket: Socket })._socket;

/** A reference-shaped token (HS256 with JWT_SECRET) living `lifetimeS` seconds from now. */
function mint(secret: string, claims: Record<string, unknown>, lifetimeS: number): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetimeS)
    .sign(new TextEncoder().encode(secret));
}

export function limitsSuite(ctx: SuiteContext): void {
  const metrics = (channel: Channel) => ctx.t.metricsText!(channel, 0);
  const count = async (channel: Channel, name: string, labels: Record<string, string> = {}) =>
    sample(await metrics(channel), name, { channel, ...labels });
  const closedWith = (channel: Channel, code: number) => count(channel, 'arcp_gateway_connections_closed_total', { code: String(code) });

  /** A socket of `channel` past its handshake (authenticated where the channel has auth). */
  async function ready(channel: Channel, localAddress?: string): Promise<TestClient> {
    if (channel === 'public') {
      const c = await ctx.open('public', 0, localAddress);
      await c.nextType('welcome');
      return c;
    }
    if (channel === 'dashboard') return ctx.dashboard(0, undefined, localAddress);
    return ctx.agentSocket((await ctx.register('limits')).accessToken);
  }

  /** Frames pushed to every channel: an agent registered and unregistered changes every list. */
  async function churn(): Promise<void> {
    const agent = await registerAgent(ctx.t.http, ctx.freshId('churn'), ctx.dedicatedKey());
    await call(ctx.t.http, 'DELETE', `/agents/${agent.agentId}`, { token: agent.accessToken });
  }

  afterEach(async () => {
    ctx.closeAll();
    // The next test starts from empty channels: the server has seen every close.
    for (const channel of CHANNEL_NAMES) {
      await waitFor(
        async () => {
          const text = await metrics(channel);
          return (
            sample(text, 'arcp_gateway_connections', { channel }) + sample(text, 'arcp_gateway_pending_connections', { channel }) === 0
          );
        },
        { what: `${channel} sockets closed`, timeoutMs: 20_000, intervalMs: 100 },
      );
    }
  });

  describe.each(CHANNEL_NAMES.map((c) => [c]))('%s channel limits', (channel) => {
    it('refuses the upgrade over the connection cap with 503 and Retry-After, and counts it', async () => {
      const rejected = () => count(channel, 'arcp_gateway_connections_rejected_total', { reason: 'cap' });
      const before = await rejected();
      // Sockets from several addresses, so the per-address limit is not what refuses.
      for (let i = 0; i < ctx.t.capacity(channel); i++) await ready(channel, `127.0.0.${10 + i}`);
      await expect(ctx.open(channel, 0, '127.0.0.30')).rejects.toMatchObject({
        status: 503,
        headers: expect.objectContaining({ 'retry-after': expect.any(String) }),
      });
      expect(await rejected()).toBe(before + 1);
    });

    it('answers a flood with an error frame, then closes it with 4008', async () => {
      const before = await closedWith(channel, 4008);
      const c = await ready(channel);
      for (let i = 0; i < 300; i++) c.send('{"type":"ping"}');
      expect((await c.closedWith(8000)).code).toBe(4008);
      expect(c.types()).toContain('error');
      await waitFor(async () => (await closedWith(channel, 4008)) === before + 1, { what: '4008 counted', intervalMs: 100 });
    });
  });

  describe('slow consumers', () => {
    // Four agents of ~500 KB each: every list, update and agents frame is ~2 MB, so a reader that
    // stops reading fills the kernel buffers and then the server's send buffer within a few frames.
    const big: Array<{ agentId: string; accessToken: string }> = [];
    beforeAll(async () => {
      for (let i = 0; i < 4; i++) {
        const agentId = ctx.freshId('big');
        // Keys from the end: the shared ones go to `ctx.register` from the start, the last is `dedicatedKey`.
        const key = ctx.t.agentKeys.at(-2 - i)!;
        const temp = await call(ctx.t.http, 'POST', '/auth/agent/request_temp_token', {
          body: { agent_id: agentId, agent_type: 'testing', agent_key: key },
        });
        const body = { ...registration(agentId), metadata: { blob: ['x'.repeat(500_000)] } };
        const reg = await call(ctx.t.http, 'POST', '/agents/register', { token: String(temp.body.temp_token), body });
        if (reg.status !== 200) throw new Error(`register big agent: ${reg.status} ${JSON.stringify(reg.body)}`);
        big.push({ agentId, accessToken: String(reg.body.access_token) });
      }
    }, 60_000);
    afterAll(async () => {
      for (const a of big.splice(0)) await call(ctx.t.http, 'DELETE', `/agents/${a.agentId}`, { token: a.accessToken });
    });

    it.each(CHANNEL_NAMES.map((c) => [c]))(
      '%s: a reader that stops reading is closed 4201 after the grace and counted',
      async (channel) => {
        const before = await closedWith(channel, 4201);
        const stalled = await ready(channel);
        socketOf(stalled).pause();
        await waitFor(
          async () => {
            await churn();
            return (await closedWith(channel, 4201)) > before;
          },
          { what: 'the stalled socket closed 4201', timeoutMs: 60_000, intervalMs: 100 },
        );
        expect(await closedWith(channel, 4201)).toBe(before + 1);
        socketOf(stalled).resume();
        // The close frame reaches the client only when it fits behind the full buffer; else it sees 1006.
        expect([4201, 1006]).toContain((await stalled.closedWith(10_000)).code);
      },
      90_000,
    );

    it.each(CHANNEL_NAMES.map((c) => [c]))(
      '%s: a reader backed up for less than the grace is kept',
      async (channel) => {
        const before = await closedWith(channel, 4201);
        const backlogged = () => count(channel, 'arcp_gateway_backlogged_connections');
        const c = await ready(channel);
        socketOf(c).pause();
        // Backed up until a check finds it over the limit (the grace period starts), then it reads again.
        await waitFor(
          async () => {
            await churn();
            return (await backlogged()) >= 1;
          },
          { what: 'the socket over the limit at a check', timeoutMs: 60_000, intervalMs: 100 },
        );
        socketOf(c).resume();
        // The next check finds it under the limit (or would have closed it).
        await waitFor(async () => (await backlogged()) === 0, {
          what: 'a check after the backlog',
          timeoutMs: GRACE_S * 1000 + 10_000,
          intervalMs: 100,
        });
        c.send({ type: 'ping' });
        await c.nextType('pong', { from: c.frames.length, timeoutMs: 10_000 });
        expect(c.closed).toBeUndefined();
        expect(await closedWith(channel, 4201)).toBe(before);
      },
      90_000,
    );
  });

  describe('a token expiring on an open socket', () => {
    const secret = () => ctx.t.env.JWT_SECRET!;

    it('/agents/ws closes 4202 once the token expires; the same token is then refused (auth_error, 1008)', async () => {
      const before = await closedWith('agents', 4202);
      const agent = await ctx.register('expiring');
      const token = await mint(secret(), { sub: agent.agentId, agent_id: agent.agentId, role: 'agent', scopes: [] }, 1);
      const c = await ctx.agentSocket(token);
      expect(await c.closedWith(15_000)).toEqual({ code: 4202, reason: 'Token expired, reconnect with a fresh token' });
      expect(await closedWith('agents', 4202)).toBe(before + 1);
      const again = await ctx.open('agents');
      await again.nextType('auth_required');
      again.send({ token });
      expect(await again.nextType('auth_error')).toMatchObject({ message: 'Invalid token' });
      expect(await again.closedWith()).toEqual({ code: 1008, reason: 'Invalid token' });
    }, 30_000);

    it('/dashboard/ws closes 4202 once the token expires; the same token is then refused (4001)', async () => {
      const before = await closedWith('dashboard', 4202);
      const sub = ctx.t.env.ADMIN_USERNAME!;
      const token = await mint(secret(), { sub, agent_id: `user_${sub}`, role: 'admin', scopes: ['admin', 'agent_management'] }, 1);
      const c = await ctx.dashboard(0, token);
      expect(await c.closedWith(15_000)).toEqual({ code: 4202, reason: 'Token expired, reconnect with a fresh token' });
      expect(await closedWith('dashboard', 4202)).toBe(before + 1);
      const again = await ctx.open('dashboard');
      again.send({ type: 'auth', token });
      expect(await again.closedWith()).toEqual({ code: 4001, reason: 'Invalid token' });
    }, 30_000);
  });

  describe('drain', () => {
    it.each(CHANNEL_NAMES.map((c) => [c]))(
      '%s: SIGTERM closes open sockets with 4200, and the restarted gateway serves again',
      async (channel) => {
        const c = await ready(channel);
        const restarted = ctx.t.restartGateway(channel, 0);
        expect((await c.closedWith(15_000)).code).toBe(4200);
        await restarted;
        await ready(channel);
      },
      60_000,
    );
  });
}
