import { toWsAgent } from '../agent-views';
import { agentsDeltaFrame } from '../builders';
import { storedAgent } from '../test-support/agents';
import { AgentsDeltaFrameSchema, parsePublicInbound, PublicErrors, PublicOutboundFrameSchema } from './public';

describe('agent_updates extension', () => {
  it('reads both modes, extra keys allowed as for the reference commands', () => {
    expect(parsePublicInbound({ type: 'agent_updates', mode: 'delta' })).toEqual({
      ok: true,
      command: { type: 'agent_updates', mode: 'delta' },
    });
    expect(parsePublicInbound({ type: 'agent_updates', mode: 'full', id: 7 })).toEqual({
      ok: true,
      command: { type: 'agent_updates', mode: 'full' },
    });
  });

  it.each([[{ type: 'agent_updates' }], [{ type: 'agent_updates', mode: 'DELTA' }], [{ type: 'agent_updates', mode: 1 }]])(
    'refuses %j with the error frame text and what was wrong',
    (value) => {
      const r = parsePublicInbound(value);
      expect(r).toMatchObject({ ok: false, reason: 'invalid', type: 'agent_updates', message: PublicErrors.AGENT_UPDATES_INVALID });
      expect(r.ok === false && r.reason === 'invalid' && r.detail).toMatch(/mode/);
    },
  );

  it('builds agents_delta frames the outbound schema accepts', () => {
    const agent = toWsAgent(storedAgent(), 'alive');
    const frame = agentsDeltaFrame([agent], ['gone-1'], 1, Date.UTC(2026, 11, 2, 9));
    expect(frame).toEqual({
      type: 'agents_delta',
      timestamp: Date.UTC(2026, 11, 2, 9) / 1000,
      data: { upserted: [agent], removed: ['gone-1'], total_count: 1 },
    });
    expect(AgentsDeltaFrameSchema.safeParse(frame).success).toBe(true);
    expect(PublicOutboundFrameSchema.safeParse(frame).success).toBe(true);
    expect(AgentsDeltaFrameSchema.safeParse({ ...frame, data: { ...frame.data, total_count: -1 } }).success).toBe(false);
  });
});
