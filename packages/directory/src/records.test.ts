/** The liveness codec: the writer's own bytes take a fast path that must read exactly like JSON. */
import { encodeJson, isoUtc, parseIso } from '@arcp/protocol';
import fc from 'fast-check';
import { decodeLiveness } from './records';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('decodeLiveness', () => {
  it('reads every instant the writer can write exactly as parsing the JSON would', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('alive', 'dead'),
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) }),
        fc.integer({ min: 0, max: 999 }),
        (status, ms, us) => {
          const last_seen = isoUtc(ms + us / 1000);
          const decoded = decodeLiveness(encodeJson({ status, last_seen }));
          expect(decoded).toEqual({ status, last_seen, lastSeenMs: parseIso(last_seen) });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads other valid spellings through JSON (offsets, spaces, member order, fewer digits)', () => {
    const cases = [
      '{"last_seen":"2026-12-02T02:18:38.841093Z","status":"alive"}',
      '{ "status": "dead", "last_seen": "2026-12-02T03:18:38+01:00" }',
      '{"status":"alive","last_seen":"2026-12-02T02:18:38.8Z"}',
      '{"status":"alive","last_seen":"2026-12-02T02:18:38Z"}',
    ];
    for (const text of cases) {
      const value = JSON.parse(text) as { status: string; last_seen: string };
      expect(decodeLiveness(bytes(text))).toEqual({
        status: value.status,
        last_seen: value.last_seen,
        lastSeenMs: parseIso(value.last_seen),
      });
    }
  });

  it('refuses what is not a liveness record, on the fast path too', () => {
    const refused = [
      '{"status":"alive","last_seen":"2026-02-30T00:00:00Z"}',
      '{"status":"alive","last_seen":"2026-12-02T25:00:00Z"}',
      '{"status":"alive","last_seen":"2026-12-02T02:18:38"}',
      '{"status":"sleeping","last_seen":"2026-12-02T02:18:38Z"}',
      '{"status":"alive","last_seen":"2026-12-02T02:18:38Z"',
      '{"status":"alive"}',
      'null',
      '',
      '\u0000\u0001',
    ];
    for (const text of refused) expect([text, decodeLiveness(bytes(text))]).toEqual([text, undefined]);
  });
});
