import { defaultReplicas } from './nats-replicas';

describe('defaultReplicas', () => {
  it('is 1 for one or two servers and 3 for three or more', () => {
    expect(defaultReplicas('nats://a:4222')).toBe(1);
    expect(defaultReplicas(['nats://a:4222', 'nats://b:4222'])).toBe(1);
    expect(defaultReplicas(['nats://a:4222', 'nats://b:4222', 'nats://c:4222'])).toBe(3);
    expect(defaultReplicas('nats://a:4222,nats://b:4222,nats://c:4222,nats://d:4222,nats://e:4222')).toBe(3);
  });

  it('does not count empty entries of a comma list', () => {
    expect(defaultReplicas('nats://a:4222,, ,')).toBe(1);
    expect(defaultReplicas([])).toBe(1);
  });
});
