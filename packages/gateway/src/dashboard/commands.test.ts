import { createFakeConnection } from '@arcp/ws-engine/testing';
import { sendFrames, sendWithAgents } from './commands';

const AGENTS = new Uint8Array(Buffer.from('{"type":"agents","data":{}}'));
const frames = (...types: string[]) => types.map((type) => ({ type, data: {} }));
const typesSent = (conn: ReturnType<typeof createFakeConnection>) => conn.sends.map((s) => s.type);

describe('dashboard frame sending', () => {
  it('labels each frame with its type, and frames without one as unknown', () => {
    const conn = createFakeConnection('dashboard');
    sendFrames(conn, [{ type: 'logs' }, { data: 1 }, null, 'text', 7]);
    expect(typesSent(conn)).toEqual(['logs', 'unknown', 'unknown', 'unknown', 'unknown']);
    expect(conn.sends.every((s) => !s.isBinary)).toBe(true);
    expect(conn.sent).toEqual(['{"type":"logs"}', '{"data":1}', 'null', '"text"', '7']);
  });

  it('puts the agents frame right after health', () => {
    const conn = createFakeConnection('dashboard');
    sendWithAgents(conn, frames('monitoring', 'health', 'logs'), AGENTS);
    expect(typesSent(conn)).toEqual(['monitoring', 'health', 'agents', 'logs']);
    expect(conn.sent[2]).toEqual(Buffer.from(AGENTS));
    expect(conn.sends[2]).toEqual({ isBinary: false, type: 'agents' });
  });

  it('puts the agents frame first when there is no health frame, and sends the rest unchanged without one', () => {
    const first = createFakeConnection('dashboard');
    sendWithAgents(first, frames('monitoring', 'logs'), AGENTS);
    expect(typesSent(first)).toEqual(['agents', 'monitoring', 'logs']);
    const none = createFakeConnection('dashboard');
    sendWithAgents(none, frames('monitoring', 'health', 'logs'), undefined);
    expect(typesSent(none)).toEqual(['monitoring', 'health', 'logs']);
  });

  it('sends only the bytes of the agents frame, not the whole buffer it is a view of', () => {
    const pool = Buffer.from('xxxx{"type":"agents"}yyyy');
    const view = new Uint8Array(pool.buffer, pool.byteOffset + 4, pool.length - 8);
    const conn = createFakeConnection('dashboard');
    sendWithAgents(conn, [], view);
    expect(conn.sent.map(String)).toEqual(['{"type":"agents"}']);
  });
});
