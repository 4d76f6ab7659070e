/** End-to-end checks of `/dashboard/ws`: handshake codes, the burst, periodic frames, commands. */
import { call } from './http';
import type { SuiteContext } from './context';
import type { TestClient } from './ws-client';

const typeOf = (f: { json: unknown }) => (f.json as { type?: string } | undefined)?.type;

async function ack(c: TestClient, type: string, from: number) {
  return c.nextType<{ data: Record<string, unknown>; timestamp: string }>(type, { from, timeoutMs: 8000 });
}

export function dashboardChannelSuite(ctx: SuiteContext): void {
  describe('/dashboard/ws', () => {
    afterEach(() => ctx.closeAll());

    it('authenticates an admin and sends monitoring, health, agents, logs, then periodic frames', async () => {
      const c = await ctx.open('dashboard');
      c.send({ type: 'auth', token: await ctx.admin() });
      await c.nextType('logs', { timeoutMs: 8000 });
      expect(c.types().slice(0, 4)).toEqual(['monitoring', 'health', 'agents', 'logs']);
      const first = c.frames[0]!.json as { timestamp: string; data: Record<string, unknown> };
      expect(first.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$/);
      expect(first.data).toEqual(
        expect.objectContaining({
          total_requests: expect.any(Number),
          avg_response_time: expect.any(Number),
          error_rate: expect.any(Number),
          agent_count: expect.any(Number),
        }),
      );
      const before = c.frames.length;
      await c.nextType('monitoring', { from: before, timeoutMs: 5000 });
      await c.nextType('health', { from: before, timeoutMs: 5000 });
    });

    it.each([
      ['not json', 4000, 'Auth frame is not valid JSON'],
      ['[]', 4000, 'Auth frame must be a JSON object'],
      ['{"type":"ping"}', 4001, 'Auth frame required'],
      ['{"type":"auth"}', 4001, 'Authentication token required'],
      ['{"type":"auth","token":"forged"}', 4001, 'Invalid token'],
    ])('closes %s with %i "%s"', async (text, code, reason) => {
      const c = await ctx.open('dashboard');
      c.send(text);
      expect(await c.closedWith()).toEqual({ code, reason });
      expect(c.frames).toEqual([]);
    });

    it('closes a socket that sends nothing within DASHBOARD_WS_TIMEOUT with 4000 "Authentication timeout"', async () => {
      const c = await ctx.open('dashboard');
      const opened = Date.now();
      expect(await c.closedWith(6000)).toEqual({ code: 4000, reason: 'Authentication timeout' });
      // The suite sets 2 s: the deadline is not skipped (the margin covers our own open event
      // reaching us later than the server's; the upper bound is closedWith's 6 s).
      expect(Date.now() - opened).toBeGreaterThanOrEqual(1500);
      expect(c.frames).toEqual([]);
    });

    it('closes an agent token with 4003 "Admin role required"', async () => {
      const agent = await ctx.register('dash');
      const c = await ctx.open('dashboard');
      c.send({ type: 'auth', token: agent.accessToken });
      expect(await c.closedWith()).toEqual({ code: 4003, reason: 'Admin role required' });
    });

    it('pauses (agents and logs still flow), resumes, and answers every command with its ack', async () => {
      const c = await ctx.dashboard(1);
      c.send({ type: 'pause_monitoring' });
      const paused = await ack(c, 'pause_ack', 0);
      expect(paused.data).toEqual({ status: 'paused' });
      await c.nextType('agents', { from: paused.__index + 1, timeoutMs: 5000 });
      expect(c.frames.slice(paused.__index + 1).some((f) => typeOf(f) === 'monitoring')).toBe(false);

      c.send({ type: 'resume_monitoring' });
      const resumed = await ack(c, 'resume_ack', paused.__index + 1);
      expect(resumed.data).toEqual({ status: 'resumed' });
      const afterPause = c.frames.slice(paused.__index + 1, resumed.__index).map(typeOf);
      expect(afterPause).toEqual(expect.arrayContaining(['monitoring', 'health']));

      let from = resumed.__index + 1;
      c.send({ type: 'refresh_request' });
      const refreshed = await ack(c, 'refresh_ack', from);
      expect(refreshed.data).toEqual({ status: 'completed', message: 'Fresh data sent' });
      from = refreshed.__index + 1;
      c.send({ type: 'agents_request' });
      const agentsAck = await ack(c, 'agents_ack', from);
      expect(agentsAck.data).toEqual({ status: 'completed', message: 'Agents data sent' });
      expect(c.frames.slice(from, agentsAck.__index).map(typeOf)).toContain('agents');
      c.send({ type: 'clear_alerts' });
      expect((await ack(c, 'clear_alerts_ack', from)).data).toEqual({
        status: 'completed',
        message: 'Backend alerts cleared successfully',
      });
      c.send({ type: 'clear_logs' });
      expect((await ack(c, 'clear_logs_ack', from)).data).toEqual({ status: 'completed', message: 'Backend logs cleared successfully' });
    });

    it('stores a dashboard_log and shows it to every dashboard, on any replica', async () => {
      const a = await ctx.dashboard(0);
      const b = await ctx.dashboard(1);
      const message = `Security: PIN verification successful ${Date.now()}`;
      a.send({
        type: 'dashboard_log',
        timestamp: '2025-01-07T10:30:00Z',
        data: { level: 'SUCS', message, timestamp: '2025-01-07T10:30:00Z' },
      });
      for (const c of [a, b]) {
        await c.next((f) => typeOf(f) === 'logs' && JSON.stringify(f.json).includes(message), {
          timeoutMs: 8000,
          what: 'logs frame with the entry',
        });
      }
    });

    it('closes an admin dashboard on logout (4009)', async () => {
      const token = await ctx.admin();
      const c = await ctx.dashboard(0, token);
      const res = await call(ctx.t.http, 'POST', '/auth/logout', { token });
      expect(res.status).toBe(200);
      expect((await c.closedWith()).code).toBe(4009);
    });

    // Behind Docker's port proxy every client has the same address, so one client's budget
    // cannot be told apart from another's there: the per-address case does not exist in that
    // topology and is not registered (the other topologies run it; the cap test below runs
    // everywhere).
    if (ctx.options.oneClientAddress !== true)
      it('silent anonymous sockets are held per address and never lock the operator out', async () => {
        const perAddress = ctx.t.perAddress('dashboard');
        for (let i = 0; i < perAddress; i++) await ctx.open('dashboard', 0, '127.0.0.2');
        await expect(ctx.open('dashboard', 0, '127.0.0.2')).rejects.toMatchObject({
          status: 429,
          headers: expect.objectContaining({ 'retry-after': expect.any(String) }),
        });
        const token = await ctx.admin();
        await ctx.dashboard(0, token, '127.0.0.3');
      });

    it('the connection cap counts signed-in dashboards only', async () => {
      const token = await ctx.admin();
      const cap = ctx.t.capacity('dashboard');
      for (let i = 0; i < cap; i++) await ctx.dashboard(0, token, '127.0.0.3');
      await expect(ctx.open('dashboard', 0, '127.0.0.4')).rejects.toMatchObject({
        status: 503,
        headers: expect.objectContaining({ 'retry-after': expect.any(String) }),
      });
    });
  });
}
