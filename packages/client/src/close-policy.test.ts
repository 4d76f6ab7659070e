import { CLOSE_CODE_INFO } from '@arcp/protocol';
import { closeVerdict } from './close-policy';
import { ArcpAuthError, ArcpRateLimitedError, ArcpRevokedError } from './errors';

describe('closeVerdict', () => {
  it('follows the protocol close-code table for every documented code', () => {
    for (const info of CLOSE_CODE_INFO) expect([info.code, closeVerdict(info.code, '').action]).toEqual([info.code, info.action]);
  });

  it('reconnects on drops, drains, restarts and slow-consumer closes', () => {
    for (const code of [1001, 1005, 1006, 1011, 1012, 1013, 4200, 4201, 4250]) expect(closeVerdict(code, '').action).toBe('reconnect');
  });

  it('stops with a typed error on auth, revocation and flood codes', () => {
    for (const code of [1008, 4000, 4001, 4003]) {
      const v = closeVerdict(code, 'Invalid token');
      expect(v.action === 'stop' && v.error).toBeInstanceOf(ArcpAuthError);
    }
    const revoked = closeVerdict(4009, 'Credential revoked');
    expect(revoked.action === 'stop' && revoked.error).toBeInstanceOf(ArcpRevokedError);
    const flood = closeVerdict(4008, '');
    expect(flood.action === 'stop' && flood.error).toBeInstanceOf(ArcpRateLimitedError);
    const unknown = closeVerdict(4099, 'x');
    expect(unknown).toMatchObject({ action: 'stop', error: { code: 4099, reason: 'x' } });
  });
});
