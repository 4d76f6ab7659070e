import { createSocketLog } from './socket-log';
import { createRecordingLogger } from './testing';

describe('socket open/close lines', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('logs each event with the client address up to the rate, then one summary per second', () => {
    const logger = createRecordingLogger();
    const log = createSocketLog({ channel: 'public', logger, perSecond: 3, now: () => Date.now() });
    for (let i = 0; i < 10; i++) log.opened({ conn: `c${i}`, client_ip: '10.0.0.9' });
    log.closed({ conn: 'c0', client_ip: '10.0.0.9', code: 1000, reason: '' });
    expect(logger.lines.map((l) => l.msg)).toEqual(['socket opened', 'socket opened', 'socket opened']);
    expect(logger.lines[0]?.obj).toMatchObject({ channel: 'public', conn: 'c0', client_ip: '10.0.0.9' });
    jest.advanceTimersByTime(1000);
    expect(logger.lines).toHaveLength(4);
    expect(logger.lines[3]).toMatchObject({ level: 'info', obj: { channel: 'public', opened: 7, closed: 1 } });
    // A quiet second later, single events are logged one by one again.
    log.closed({ conn: 'c1', client_ip: '10.0.0.9', code: 4201, reason: 'slow' });
    expect(logger.lines[4]).toMatchObject({ msg: 'socket closed', obj: { code: 4201, conn: 'c1' } });
  });

  it('writes nothing extra when the rate is never passed', () => {
    const logger = createRecordingLogger();
    const log = createSocketLog({ channel: 'agents', logger, perSecond: 5, now: () => Date.now() });
    log.opened({ conn: 'a', client_ip: '1.2.3.4' });
    jest.advanceTimersByTime(5000);
    log.flush();
    expect(logger.lines).toHaveLength(1);
  });
});
