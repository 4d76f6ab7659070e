import { parseCount } from './args';

describe('parseCount', () => {
  it('reads `--flag N` and `--flag=N`, and falls back when absent', () => {
    expect(parseCount(['--nats', '3'], '--nats', 1)).toBe(3);
    expect(parseCount(['--replicas=4', '--nats=3'], '--nats', 1)).toBe(3);
    expect(parseCount(['--replicas', '2'], '--nats', 1)).toBe(1);
  });

  it('refuses what is not a positive integer', () => {
    for (const argv of [['--nats'], ['--nats', '0'], ['--nats', 'three'], ['--nats=1.5'], ['--nats='], ['--nats', '-3']]) {
      expect(() => parseCount(argv, '--nats', 1)).toThrow(/--nats needs a positive integer/);
    }
  });
});
