/**
 * Tokens shaped like the reference server's (the documented claims `sub`, `agent_id`, `role`,
 * `scopes`, `iat`, `exp`, HS256 with JWT_SECRET, no `jti`), as another ARCP server sharing the
 * secret or an operator's script mints them: accepted on every channel and route that takes the
 * role, refused once expired, and revocable by logout.
 */
import { SignJWT } from 'jose';
import { call } from './http';
import { idsOf, type SuiteContext } from './context';

interface Claims {
  sub: string;
  agent_id: string;
  role: 'agent' | 'admin';
  scopes: string[];
}

/** A reference-shaped token; `ageS` moves iat/exp into the past (an expired token). */
function mint(secret: string, claims: Claims, opts: { lifetimeS?: number; ageS?: number } = {}): Promise<string> {
  const iat = Math.floor(Date.now() / 1000) - (opts.ageS ?? 0);
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(iat)
    .setExpirationTime(iat + (opts.lifetimeS ?? 600))
    .sign(new TextEncoder().encode(secret));
}

export function tokensSuite(ctx: SuiteContext): void {
  describe('reference-shaped tokens (no jti)', () => {
    afterEach(() => ctx.closeAll());
    const secret = () => ctx.t.env.JWT_SECRET!;
    const adminClaims = (): Claims => {
      const sub = ctx.t.env.ADMIN_USERNAME!;
      return { sub, agent_id: `user_${sub}`, role: 'admin', scopes: ['admin', 'agent_management'] };
    };

    it('an agent token authenticates /agents/ws and the agent HTTP routes', async () => {
      const agent = await ctx.register('refshape');
      const token = await mint(secret(), { sub: agent.agentId, agent_id: agent.agentId, role: 'agent', scopes: [] });
      const sock = await ctx.open('agents', 1);
      await sock.nextType('auth_required');
      sock.send({ token });
      const ok = await sock.nextType('auth_success');
      const list = await sock.next((f) => Array.isArray(f.json), { from: ok.__index + 1, what: 'agent list' });
      expect(idsOf(list.json)).toContain(agent.agentId);
      expect((await call(ctx.t.http, 'POST', `/agents/${agent.agentId}/heartbeat`, { token })).status).toBe(200);
    });

    it('an expired agent token is refused on /agents/ws with auth_error and 1008', async () => {
      const agent = await ctx.register('refexp');
      const token = await mint(
        secret(),
        { sub: agent.agentId, agent_id: agent.agentId, role: 'agent', scopes: [] },
        { lifetimeS: 60, ageS: 3600 },
      );
      const sock = await ctx.open('agents');
      await sock.nextType('auth_required');
      sock.send({ token });
      expect(await sock.nextType('auth_error')).toMatchObject({ message: 'Invalid token' });
      expect(await sock.closedWith()).toEqual({ code: 1008, reason: 'Invalid token' });
    });

    it('an admin token opens /dashboard/ws; expired it closes 4001', async () => {
      const token = await mint(secret(), adminClaims());
      const board = await ctx.dashboard(1, token);
      expect(board.closed).toBeUndefined();
      const expired = await mint(secret(), adminClaims(), { lifetimeS: 60, ageS: 3600 });
      const refused = await ctx.open('dashboard');
      refused.send({ type: 'auth', token: expired });
      expect(await refused.closedWith()).toEqual({ code: 4001, reason: 'Invalid token' });
    });

    it('logout revokes exactly that admin token, on open dashboards and for new ones', async () => {
      const token = await mint(secret(), adminClaims());
      const open = await ctx.dashboard(0, token);
      const other = await ctx.dashboard(1);
      expect((await call(ctx.t.http, 'POST', '/auth/logout', { token })).status).toBe(200);
      expect((await open.closedWith(5000)).code).toBe(4009);
      const again = await ctx.open('dashboard', 1);
      again.send({ type: 'auth', token });
      expect(await again.closedWith()).toEqual({ code: 4001, reason: 'Invalid token' });
      // The admin's other session (a token of ours) is not touched.
      other.send({ type: 'agents_request' });
      await other.nextType('agents_ack');
      expect(other.closed).toBeUndefined();
    });
  });
}
