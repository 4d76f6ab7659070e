/**
 * Read-your-writes, end to end: once the registry has answered a registration or an
 * unregistration, every frame any replica sends afterwards reflects it. Clients connect right
 * after the HTTP answer, on alternating replicas, many times back to back; a single miss fails.
 */
import { call } from './http';
import { idsOf, type SuiteContext } from './context';
import type { TestClient } from './ws-client';

const ROUNDS = 100;

/** The first agent list an agents socket receives after auth_success. */
async function firstList(c: TestClient, token: string): Promise<string[]> {
  await c.nextType('auth_required');
  c.send({ token });
  const ok = await c.nextType('auth_success');
  const list = await c.next((f) => Array.isArray(f.json), { from: ok.__index + 1, what: 'agent list' });
  expect(list.index).toBe(ok.__index + 1);
  return idsOf(list.json);
}

/** Every agent id on every page of `get_discovery` (alive agents only). */
async function discoveredIds(c: TestClient): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const from = c.frames.length;
    c.send({ type: 'get_discovery', page, page_size: 100 });
    const frame = await c.next((f) => (f.json as { type?: string })?.type === 'discovery_data', { from, what: `discovery page ${page}` });
    const data = (frame.json as { data: { agents: unknown[]; pagination: { has_next: boolean } } }).data;
    ids.push(...idsOf(frame.json));
    if (!data.pagination.has_next) return ids;
  }
}

export function consistencySuite(ctx: SuiteContext): void {
  describe('read-your-writes', () => {
    afterEach(() => ctx.closeAll());

    it(`an acknowledged registration is in the first list and in discovery, and an unregistration is gone, ${ROUNDS} times back to back on every replica`, async () => {
      const admin = await ctx.admin();
      const misses: string[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const agent = await ctx.register('ryw', 'testing', ctx.dedicatedKey());
        const sock = await ctx.open('agents', i);
        if (!(await firstList(sock, agent.accessToken)).includes(agent.agentId))
          misses.push(`round ${i}: first agent list without the new agent`);
        const pub = await ctx.open('public', i + 1);
        await pub.nextType('welcome');
        if (!(await discoveredIds(pub)).includes(agent.agentId)) misses.push(`round ${i}: discovery without the new agent`);

        const res = await call(ctx.t.http, 'DELETE', `/agents/${agent.agentId}`, { token: agent.accessToken });
        expect(res.status).toBe(200);
        const after = await ctx.open('agents', i + 1);
        if ((await firstList(after, admin)).includes(agent.agentId))
          misses.push(`round ${i}: first agent list still holds the unregistered agent`);
        if ((await discoveredIds(pub)).includes(agent.agentId)) misses.push(`round ${i}: discovery still holds the unregistered agent`);
        ctx.closeAll();
      }
      expect(misses).toEqual([]);
    }, 120_000);

    it('the dashboard agents frame holds an agent registered just before agents_request, on every replica', async () => {
      const misses: string[] = [];
      const boards = [await ctx.dashboard(0), await ctx.dashboard(1)];
      for (let i = 0; i < 20; i++) {
        const agent = await ctx.register('ryw-dash', 'testing', ctx.dedicatedKey());
        const board = boards[i % boards.length]!;
        const from = board.frames.length;
        board.send({ type: 'agents_request' });
        const ack = await board.nextType('agents_ack', { from });
        // The reply is the agents frame sent right before its ack. Broadcasts of earlier changes
        // (coalesced, or the periodic one) may arrive after the request too, built before the
        // registration reached this replica: they are not the reply.
        const reply = board.frames[ack.__index - 1];
        expect((reply?.json as { type?: string } | undefined)?.type).toBe('agents');
        const ids = ((reply!.json as { data: { agents: Array<{ agent_id: string }> } }).data.agents ?? []).map((a) => a.agent_id);
        if (!ids.includes(agent.agentId)) misses.push(`round ${i}: agents frame without the new agent`);
        await call(ctx.t.http, 'DELETE', `/agents/${agent.agentId}`, { token: agent.accessToken });
      }
      expect(misses).toEqual([]);
    }, 60_000);
  });
}
