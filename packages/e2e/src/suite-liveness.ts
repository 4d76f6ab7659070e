/** End-to-end liveness: a silent agent turns dead on every channel, a heartbeat revives it. */
import { call } from './http';
import { idsOf, type SuiteContext } from './context';

export function livenessSuite(ctx: SuiteContext): void {
  describe('liveness', () => {
    afterEach(() => ctx.closeAll());

    it('announces alive → dead after AGENT_HEARTBEAT_TIMEOUT and dead → alive on a heartbeat', async () => {
      const pub = await ctx.open('public', 1);
      await pub.nextType('welcome');
      const agent = await ctx.register('live');
      const watcher = await ctx.agentSocket(agent.accessToken, 0);
      const isUpdate = (f: { json: unknown }) => (f.json as { type?: string })?.type === 'agents_update';
      const seen = await pub.next((f) => isUpdate(f) && idsOf(f.json).includes(agent.agentId), { what: 'agent alive' });
      const gone = await pub.next((f) => isUpdate(f) && !idsOf(f.json).includes(agent.agentId), {
        from: seen.index + 1,
        timeoutMs: 10_000,
        what: 'agent gone from agents_update',
      });
      const deadList = await watcher.next(
        (f) =>
          Array.isArray(f.json) &&
          (f.json as Array<{ agent_id: string; status: string }>).some((a) => a.agent_id === agent.agentId && a.status === 'dead'),
        { timeoutMs: 10_000, what: 'agent listed dead' },
      );
      expect(deadList).toBeDefined();
      const hb = await call(ctx.t.http, 'POST', `/agents/${agent.agentId}/heartbeat`, { token: agent.accessToken });
      expect(hb.status).toBe(200);
      await pub.next((f) => isUpdate(f) && idsOf(f.json).includes(agent.agentId), {
        from: gone.index + 1,
        what: 'agent back in agents_update',
      });
    });
  });
}
