/** End-to-end checks of `/public/ws`: every frame, command and error of the channel. */
import { WELCOME_FRAME } from '@arcp/protocol';
import { idsOf, type SuiteContext } from './context';

export function publicChannelSuite(ctx: SuiteContext): void {
  describe('/public/ws', () => {
    afterEach(() => ctx.closeAll());

    it('sends the welcome frame first, then answers text and JSON pings', async () => {
      const c = await ctx.open('public');
      const welcome = await c.next(() => true, { what: 'first frame' });
      expect(welcome.json).toEqual(WELCOME_FRAME);
      c.send(' PING ');
      await c.next((f) => f.text === 'pong', { what: 'text pong' });
      c.send({ type: 'ping' });
      const pong = await c.nextType<{ timestamp: number }>('pong');
      expect(typeof pong.timestamp).toBe('number');
      expect(Math.abs(pong.timestamp - Date.now() / 1000)).toBeLessThan(5);
    });

    it.each([
      ['not json', 'Invalid JSON format'],
      ['[1, 2]', 'Message must be a JSON object'],
      ['{"type":"subscribe"}', 'Unknown message type: subscribe'],
      ['{"page":1}', 'Unknown message type: None'],
      ['{"type":"get_discovery","page":"abc"}', 'Failed to get discovery data'],
    ])('answers %s with an error frame and keeps the socket', async (text, message) => {
      const c = await ctx.open('public');
      await c.nextType('welcome');
      c.send(text);
      const err = await c.nextType('error');
      expect(err).toMatchObject({ type: 'error', message });
      c.send('ping');
      await c.next((f) => f.text === 'pong', { what: 'pong after the error' });
    });

    it('sends stats_update periodically with total = alive + dead', async () => {
      const c = await ctx.open('public');
      const stats = await c.nextType<{ timestamp: number; data: Record<string, number> }>('stats_update', { timeoutMs: 4000 });
      expect(stats.data.total_agents).toBe(stats.data.alive_agents! + stats.data.dead_agents!);
      expect(stats.data).toMatchObject({ system_status: 'operational' });
    });

    it('pushes agents_update to every replica on registration and serves it in discovery', async () => {
      const a = await ctx.open('public', 0);
      const b = await ctx.open('public', 1);
      await Promise.all([a.nextType('welcome'), b.nextType('welcome')]);
      const agent = await ctx.register('pub', 'security');
      for (const c of [a, b]) {
        const update = await c.next(
          (f) => (f.json as { type?: string })?.type === 'agents_update' && idsOf(f.json).includes(agent.agentId),
          { what: 'agents_update with the agent' },
        );
        expect((update.json as { data: { total_count: number; agents: unknown[] } }).data.total_count).toBe(idsOf(update.json).length);
      }
      b.send({ type: 'get_discovery', page: 1, page_size: 100, agent_type: 'security' });
      const page = await b.nextType<{
        data: { agents: Array<{ agent_type: string }>; pagination: Record<string, unknown>; filters: unknown };
      }>('discovery_data');
      expect(idsOf(page)).toContain(agent.agentId);
      expect(page.data.agents.every((x) => x.agent_type === 'security')).toBe(true);
      expect(page.data.filters).toEqual({ agent_type: 'security' });
      expect(page.data.pagination).toMatchObject({ current_page: 1, page_size: 100, has_previous: false, previous_page: null });
    });

    it('closes a frame over the payload limit with 1009', async () => {
      const c = await ctx.open('public');
      await c.nextType('welcome');
      c.send(JSON.stringify({ type: 'get_discovery', pad: 'x'.repeat(5000) }));
      expect(await c.closedWith()).toEqual({ code: 1009, reason: 'Message too big' });
    });

    it('drops the connection without reading a frame over twice the limit (1006, as documented)', async () => {
      const c = await ctx.open('public');
      await c.nextType('welcome');
      c.send(JSON.stringify({ type: 'get_discovery', pad: 'x'.repeat(9000) }));
      expect((await c.closedWith()).code).toBe(1006);
    });

    it('answers a flood with an error frame, then closes it with 4008', async () => {
      const c = await ctx.open('public');
      await c.nextType('welcome');
      for (let i = 0; i < 200; i++) c.send('{"type":"ping"}');
      const closed = await c.closedWith(8000);
      expect(closed.code).toBe(4008);
      expect(c.frames.some((f) => (f.json as { type?: string })?.type === 'error')).toBe(true);
    });
  });
}
