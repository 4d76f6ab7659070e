import { formatFrame, formatState } from './format';
import { painter } from './io';

const at = new Date('2025-09-07T21:28:48Z');
const stats = {
  type: 'stats_update',
  timestamp: 1,
  data: {
    total_agents: 3,
    alive_agents: 2,
    dead_agents: 1,
    agent_types_count: 1,
    available_types: ['testing'],
    system_status: 'operational',
  },
} as const;

describe('tail output', () => {
  it('is plain text when not on a terminal, coloured on one, plain again with NO_COLOR', () => {
    const plain = formatFrame(stats as never, painter({ write: () => 0, isTTY: false }, {}), at);
    expect(plain).toBe('21:28:48 stats_update   total=3 alive=2 dead=1 types=testing\n');
    const tty = formatFrame(stats as never, painter({ write: () => 0, isTTY: true }, {}), at);
    expect(tty).toContain('\u001b[36mstats_update');
    expect(formatFrame(stats as never, painter({ write: () => 0, isTTY: true }, { NO_COLOR: '1' }), at)).toBe(plain);
  });

  it('summarises agent lists and log frames, and says why it reconnects', () => {
    const p = painter({ write: () => 0 }, {});
    const list = {
      type: 'agent_list',
      agents: [
        { agent_id: 'a1', status: 'alive' },
        { agent_id: 'a2', status: 'dead' },
      ],
    };
    expect(formatFrame(list as never, p, at)).toContain('2 agents (1 alive): a1 alive, a2 dead');
    const logs = {
      type: 'logs',
      timestamp: 'x',
      data: { logs: [{ timestamp: 't', level: 'INFO', source: 'auth', message: 'hello' }], count: 1, last_updated: 'x' },
    };
    expect(formatFrame(logs as never, p, at)).toBe('21:28:48 logs           1 entries\n  t [INFO] auth: hello\n');
    expect(
      formatState(
        { state: 'reconnecting', previous: 'open', attempt: 2, delayMs: 1500, code: 4200, reason: 'Server restarting, reconnect' },
        p,
      ),
    ).toBe('reconnecting in 1.5 s, attempt 2 (4200 Server restarting, reconnect)');
  });
});
