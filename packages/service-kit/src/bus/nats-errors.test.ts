import { ErrorCode, NatsError } from 'nats';
import { isLostCreateRace } from './nats-errors';

const apiError = (code: number, description: string) =>
  Object.assign(new NatsError(description, ErrorCode.JetStreamInvalidAck), { api_error: { code: 400, err_code: code, description } });

describe('isLostCreateRace', () => {
  it.each([
    ['the name taken (JetStream code)', apiError(10058, 'stream name already in use with a different configuration')],
    ['overlapping subjects (JetStream code)', apiError(10065, 'subjects overlap with an existing stream')],
    ['the name taken (message only)', new Error('stream name already in use')],
    ['overlapping subjects (message only)', new Error('subjects overlap with an existing stream')],
  ])('recognises %s', (_what, err) => {
    expect(isLostCreateRace(err)).toBe(true);
  });

  it.each([
    ['another JetStream error', apiError(10059, 'stream not found')],
    ['a timeout', new NatsError('TIMEOUT', ErrorCode.Timeout)],
    ['a string', 'subjects overlap with an existing stream'],
    ['nothing', undefined],
  ])('does not take %s for a lost race', (_what, err) => {
    expect(isLostCreateRace(err)).toBe(false);
  });
});
