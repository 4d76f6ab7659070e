import { classifyPing } from './inbound';
import { createFakeConnection } from './testing';

describe('classifyPing', () => {
  const publicLike = { textPing: 'trim-lower', jsonPing: true } as const;
  const dashboardLike = { textPing: 'exact', jsonPing: true } as const;
  const silent = { textPing: 'none', jsonPing: false } as const;

  test.each([
    [publicLike, ' PING\n', 'text-ping'],
    [publicLike, 'Pong', 'pong'],
    [publicLike, '{"type":"ping"}', 'json-ping'],
    [publicLike, '{ "type" : "pong", "x": 1 }', 'pong'],
    [publicLike, '["ping"]', undefined],
    [publicLike, '{"type":"ping"', undefined],
    [publicLike, '{"type":"get_discovery"}', undefined],
    [dashboardLike, ' ping', undefined],
    [dashboardLike, 'ping', 'text-ping'],
    [dashboardLike, '{"type":"ping"}', 'json-ping'],
    [silent, 'ping', undefined],
    [silent, '{"type":"ping"}', undefined],
  ])('%j %j → %s', (def, text, kind) => {
    expect(classifyPing(def, text)).toBe(kind);
  });
});

describe('createFakeConnection', () => {
  test('records frames, topics and the first close; sends after close report closed', () => {
    const conn = createFakeConnection('agents');
    expect(conn.send('{"type":"a"}')).toBe('ok');
    conn.send('plain');
    conn.subscribe('agents/list');
    conn.close(4009, 'Credential revoked');
    conn.close(1000, 'ignored');
    expect(conn.json()).toEqual([{ type: 'a' }]);
    expect(conn.sent).toEqual(['{"type":"a"}', 'plain']);
    expect(conn.topics).toEqual(new Set(['agents/list']));
    expect(conn.closed).toEqual({ code: 4009, reason: 'Credential revoked' });
    expect([conn.isOpen, conn.send('late')]).toEqual([false, 'closed']);
  });

  test('simulates a slow consumer', () => {
    const conn = createFakeConnection();
    conn.nextStatus = 'dropped';
    expect(conn.send('x')).toBe('dropped');
    expect(conn.sent).toEqual([]);
  });
});
