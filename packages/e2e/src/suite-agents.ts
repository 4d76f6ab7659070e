/** End-to-end checks of `/agents/ws`: the token handshake, the bare list, revocation. */
import { call } from './http';
import { idsOf, type SuiteContext } from './context';

export function agentsChannelSuite(ctx: SuiteContext): void {
  describe('/agents/ws', () => {
    afterEach(() => ctx.closeAll());

    it('auth_required → token → auth_success → the bare list of every agent, and updates from the other replica', async () => {
      const first = await ctx.register('ag1');
      const c = await ctx.open('agents', 1);
      expect((await c.next(() => true)).json).toEqual({ type: 'auth_required', message: 'Send your authentication token' });
      c.send({ token: first.accessToken });
      const ok = await c.nextType('auth_success');
      expect(ok).toMatchObject({ message: 'Authentication successful' });
      const list = await c.next((f) => Array.isArray(f.json), { from: ok.__index + 1, what: 'agent list' });
      expect(list.index).toBe(ok.__index + 1);
      // Registered (on any registry replica) before the socket opened: in the very first list.
      expect(idsOf(list.json)).toContain(first.agentId);
      const second = await ctx.register('ag2');
      await c.next((f) => Array.isArray(f.json) && idsOf(f.json).includes(second.agentId), {
        from: list.index + 1,
        what: 'list with the new agent',
      });
      c.send('ping');
      await c.next((f) => f.text === 'pong');
      c.send({ type: 'ping' });
      await c.nextType('pong');
    });

    it.each([
      ['ping', 'Invalid JSON', 'Invalid JSON'],
      ['[1]', 'Authentication failed', 'Authentication failed'],
      ['{"type":"auth"}', 'Token required', 'Authentication required'],
      ['{"token":"not.a.jwt"}', 'Invalid token', 'Invalid token'],
    ])('rejects %s with auth_error "%s" and close 1008', async (text, message, reason) => {
      const c = await ctx.open('agents');
      await c.nextType('auth_required');
      c.send(text);
      expect(await c.nextType('auth_error')).toMatchObject({ message });
      expect(await c.closedWith()).toEqual({ code: 1008, reason });
    });

    it('refuses the temporary registration token', async () => {
      const agent = await ctx.register('tmp');
      const c = await ctx.open('agents');
      await c.nextType('auth_required');
      c.send({ token: agent.tempToken });
      expect(await c.nextType('auth_error')).toMatchObject({ message: 'Invalid token' });
      expect((await c.closedWith()).code).toBe(1008);
    });

    it('closes a silent socket with 1008 "Authentication timeout"', async () => {
      const c = await ctx.open('agents');
      await c.nextType('auth_required');
      expect(await c.closedWith(6000)).toEqual({ code: 1008, reason: 'Authentication timeout' });
    });

    it('closes the socket of an agent that unregisters (4009) and drops it from the lists', async () => {
      const agent = await ctx.register('rev');
      const sock = await ctx.agentSocket(agent.accessToken, 0);
      const watcher = await ctx.open('public', 1);
      await watcher.nextType('welcome');
      const res = await call(ctx.t.http, 'DELETE', `/agents/${agent.agentId}`, { token: agent.accessToken });
      expect(res.status).toBe(200);
      expect((await sock.closedWith()).code).toBe(4009);
      await watcher.next((f) => (f.json as { type?: string })?.type === 'agents_update' && !idsOf(f.json).includes(agent.agentId), {
        what: 'agents_update without the agent',
      });
      // The revoked token cannot open a new socket either.
      const again = await ctx.open('agents', 1);
      await again.nextType('auth_required');
      again.send({ token: agent.accessToken });
      expect(await again.nextType('auth_error')).toMatchObject({ message: 'Invalid token' });
    });
  });
}
