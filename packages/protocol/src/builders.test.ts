import { toWsAgent } from './agent-views';
import {
  ackFrame,
  agentsUpdateFrame,
  dashboardFrame,
  discoveryFrame,
  errorAckData,
  errorFrame,
  pongFrame,
  statsUpdateFrame,
} from './builders';
import { computeStats, paginate } from './discovery';
import { encodeFrame, textFrame } from './encode';
import { DashboardOutboundFrameSchema } from './frames/dashboard';
import { PublicOutboundFrameSchema } from './frames/public';
import { storedAgent } from './test-support/agents';
import { formatIssues } from './validation';

const NOW_MS = 1757269784384.039;
const AT = '2025-01-07T10:30:00.000000Z';

function expectValid(schema: typeof PublicOutboundFrameSchema | typeof DashboardOutboundFrameSchema, frame: unknown): void {
  const r = schema.safeParse(JSON.parse(encodeFrame(frame as object).toString('utf8')));
  if (!r.success) throw new Error(formatIssues(r.error));
}

describe('public builders', () => {
  const agents = [toWsAgent(storedAgent(), 'alive'), toWsAgent(storedAgent({ agent_id: 'other-002' }), 'alive')];

  it('stamp frames with epoch-float seconds', () => {
    expect(pongFrame(NOW_MS)).toEqual({ type: 'pong', timestamp: 1757269784.384039 });
    expect(statsUpdateFrame(computeStats(agents), NOW_MS).timestamp).toBe(1757269784.384039);
  });

  it('produce frames the outbound schema accepts after a JSON round trip', () => {
    expectValid(PublicOutboundFrameSchema, statsUpdateFrame(computeStats(agents), NOW_MS));
    expectValid(PublicOutboundFrameSchema, agentsUpdateFrame(agents, NOW_MS));
    expectValid(PublicOutboundFrameSchema, discoveryFrame(paginate(agents, { page: 1, page_size: 1 }), NOW_MS));
    expectValid(PublicOutboundFrameSchema, pongFrame(NOW_MS));
    expectValid(PublicOutboundFrameSchema, errorFrame('Invalid JSON format'));
  });

  it('agents_update counts the agents it carries', () => {
    expect(agentsUpdateFrame(agents, NOW_MS).data.total_count).toBe(2);
  });
});

describe('dashboard builders', () => {
  it('wrap data in the {type, timestamp, data} envelope', () => {
    const frame = dashboardFrame('logs', { logs: [], count: 0, last_updated: AT }, AT);
    expect(Object.keys(frame)).toEqual(['type', 'timestamp', 'data']);
    expectValid(DashboardOutboundFrameSchema, frame);
  });

  it('default ack data to the canonical success payloads', () => {
    expect(ackFrame('pause_ack', undefined, AT)).toEqual({ type: 'pause_ack', timestamp: AT, data: { status: 'paused' } });
    expect(ackFrame('clear_alerts_ack', undefined, AT).data).toEqual({
      status: 'completed',
      message: 'Backend alerts cleared successfully',
    });
    for (const type of ['pause_ack', 'resume_ack', 'refresh_ack', 'agents_ack', 'clear_logs_ack', 'clear_alerts_ack'] as const) {
      expectValid(DashboardOutboundFrameSchema, ackFrame(type, undefined, AT));
    }
  });

  it('build error acks', () => {
    const frame = ackFrame('refresh_ack', errorAckData('Refresh failed: boom'), AT);
    expectValid(DashboardOutboundFrameSchema, frame);
    expect(frame.data).toEqual({ status: 'error', message: 'Refresh failed: boom' });
  });

  it('stamp the current time when no timestamp is given', () => {
    expect(ackFrame('resume_ack').timestamp).toMatch(/Z$/);
  });
});

describe('encoders', () => {
  it('serialize once into bytes, lists included', () => {
    expect(encodeFrame([]).toString()).toBe('[]');
    expect(encodeFrame({ type: 'error', message: 'é' }).toString('utf8')).toBe('{"type":"error","message":"é"}');
    expect(textFrame('pong').toString()).toBe('pong');
  });
});
