import { logEntry } from '@arcp/protocol';
import { createMemoryBus, type Bus } from '@arcp/service-kit';
import { LogStore } from './log-store';

let bus: Bus;

async function store(maxMessage = 2048): Promise<LogStore> {
  return new LogStore(await bus.stream('t_logs', { subjects: ['t.logs'], maxMsgs: 1000 }), 't.logs', maxMessage);
}

const entry = (message: string) => logEntry('INFO', message, 'test', {}, '2025-09-07T21:00:00.000000Z');

beforeEach(() => {
  bus = createMemoryBus();
});
afterEach(() => bus.close());

describe('LogStore', () => {
  it('cuts every appended message at its limit and returns what it stored', async () => {
    const logs = await store(16);
    expect((await logs.append(entry('0123456789abcdefXYZ'))).message).toBe('0123456789abc...');
    expect((await logs.recent(10, 1e6)).map((e) => e.message)).toEqual(['0123456789abc...']);
  });

  it('since: only new entries, newest first, skipping broadcast ones', async () => {
    const logs = await store();
    await logs.append(entry('one'));
    const { cursor } = await logs.since(0, 10, 1e6);
    await logs.append(entry('two'));
    await logs.append(entry('shown already'), { broadcast: true });
    await logs.append(entry('three'));
    const fresh = await logs.since(cursor, 10, 1e6);
    expect(fresh.entries.map((e) => e.message)).toEqual(['three', 'two']);
    expect(await logs.since(fresh.cursor, 10, 1e6)).toEqual({ entries: [], cursor: fresh.cursor });
  });

  it('since: a frame keeps the newest entries that fit in maxBytes and still moves the cursor past all', async () => {
    const logs = await store(4096);
    for (const c of 'abcde') await logs.append(entry(c.repeat(1000)));
    const fresh = await logs.since(0, 10, 2500); // about two 1000-character records
    expect(fresh.entries.map((e) => e.message[0])).toEqual(['e', 'd']);
    expect(fresh.cursor).toBe(await logs.lastSeq());
  });
});
