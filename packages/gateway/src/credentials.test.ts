import { AuthError, createTokenService, revoke } from '@arcp/auth';
import { subjects } from '@arcp/protocol';
import { createMemoryBus } from '@arcp/service-kit';
import { waitFor } from '@arcp/testkit';
import { createCredentialGate, revocationMatches } from './credentials';
import type { EndpointHandle } from '@arcp/ws-engine';
import { createFakeConnection, createRecordingLogger } from '@arcp/ws-engine/testing';

/** One clock for issuing, revoking and checking: a later token is one issued after `clock` moved. */
let clock = Date.now();
const now = () => clock;
const tokens = createTokenService({ secret: 's'.repeat(40), agentTtlS: 600, adminTtlS: 600, tempTtlS: 60, now });
const names = subjects('gate');
const FROM = { ip: '10.1.2.3', endpoint: '/agents/ws' };

async function setup() {
  const bus = createMemoryBus();
  const logger = createRecordingLogger();
  const gate = await createCredentialGate({ bus, prefix: 'gate', tokens, logger, now });
  const kv = await bus.kv(names.revokedBucket);
  const revokeNow = (kind: 'agent' | 'admin', subject: string, jti?: string) =>
    revoke({ kv, bus, busSubject: names.revocations, now }, { kind, subject, ...(jti ? { jti } : {}), untilMs: clock + 600_000 });
  return { bus, gate, logger, revokeNow };
}

describe('credential gate', () => {
  it('verifies a good token and refuses it once the registry revoked its subject', async () => {
    const { gate, revokeNow } = await setup();
    const issued = await tokens.issueAgent('agent-1');
    await expect(gate.verify(issued.token, ['agent'], FROM)).resolves.toMatchObject({ kind: 'agent' });
    await revokeNow('agent', 'agent-1');
    await waitFor(
      async () =>
        gate.verify(issued.token, ['agent'], FROM).then(
          () => false,
          (e: unknown) => e instanceof AuthError && e.reason === 'revoked',
        ),
      { what: 'revoked token refused' },
    );
    // A token issued after the revocation (a re-registration) is accepted again.
    clock += 1;
    const fresh = await tokens.issueAgent('agent-1');
    await expect(gate.verify(fresh.token, ['agent'], FROM)).resolves.toMatchObject({ kind: 'agent' });
    gate.stop();
  });

  it('writes one audit line per rejected token, without the token', async () => {
    const logger = createRecordingLogger();
    const gate = await createCredentialGate({ bus: createMemoryBus(), prefix: 'gate', tokens, logger });
    const temp = await tokens.issueTemp({ agentId: 'a-1', agentType: 'security', agentKeyHash: 'h' });
    await expect(gate.verify('not-a-jwt', ['agent'], FROM)).rejects.toMatchObject({ reason: 'malformed' });
    await expect(gate.verify(temp.token, ['agent'], { ip: '10.9.9.9', endpoint: '/dashboard/ws' })).rejects.toBeInstanceOf(AuthError);
    await gate.verify((await tokens.issueAgent('a-2')).token, ['agent'], FROM);
    const audits = logger.lines.filter((l) => 'audit' in l.obj);
    expect(audits.map((l) => l.obj)).toEqual([
      { audit: 'token_rejected', reason: 'malformed', client_ip: '10.1.2.3', endpoint: '/agents/ws' },
      { audit: 'token_rejected', reason: expect.any(String), client_ip: '10.9.9.9', endpoint: '/dashboard/ws' },
    ]);
    expect(audits.every((l) => l.level === 'warn')).toBe(true);
    expect(JSON.stringify(logger.lines)).not.toContain(temp.token);
    gate.stop();
  });

  it('sees revocations written before it started (a replica started after a logout)', async () => {
    const bus = createMemoryBus();
    const kv = await bus.kv(names.revokedBucket);
    const admin = await tokens.issueAdmin('root');
    await revoke(
      { kv, bus, busSubject: names.revocations },
      { kind: 'admin', subject: 'root', jti: admin.claims.jti, untilMs: clock + 600_000 },
    );
    const gate = await createCredentialGate({ bus, prefix: 'gate', tokens, logger: createRecordingLogger(), now });
    await expect(gate.verify(admin.token, ['admin'], FROM)).rejects.toMatchObject({ reason: 'revoked' });
    gate.stop();
  });

  it('closes the live sockets a revocation event names, and only those', async () => {
    const { gate, logger, revokeNow } = await setup();
    const mine = createFakeConnection('agents');
    const other = createFakeConnection('agents');
    const pending = createFakeConnection('agents');
    mine.principal = (await tokens.issueAgent('agent-7')).claims;
    other.principal = (await tokens.issueAgent('agent-8')).claims;
    const conns = [mine, other, pending];
    const handle = {
      name: 'agents',
      closeWhere: (pred: (c: unknown) => boolean, code: number, reason: string) =>
        conns.filter(pred).map((c) => c.close(code, reason)).length,
    } as unknown as EndpointHandle;
    const sub = gate.closeRevoked(handle, (c) => c.principal as never);
    await revokeNow('agent', 'agent-7');
    await waitFor(() => mine.closed, { what: 'revoked socket closed' });
    expect(mine.closed).toEqual({ code: 4009, reason: 'Credential revoked' });
    expect(other.isOpen).toBe(true);
    // A socket still in its auth step has no claims and is not touched.
    expect(pending.isOpen).toBe(true);
    expect(logger.lines.filter((l) => l.level === 'info')).toEqual([
      { level: 'info', obj: { channel: 'agents', kind: 'agent', closed: 1 }, msg: 'closed sockets of a revoked credential' },
    ]);
    sub.unsubscribe();
    gate.stop();
  });

  it('ignores a malformed revocation event with a warning, and says nothing when an event closes no socket', async () => {
    const { bus, gate, logger, revokeNow } = await setup();
    const conn = createFakeConnection('agents');
    conn.principal = (await tokens.issueAgent('agent-9')).claims;
    let checked = 0;
    const handle = {
      name: 'agents',
      closeWhere: (pred: (c: unknown) => boolean, code: number, reason: string) => {
        checked++;
        return [conn].filter(pred).map((c) => c.close(code, reason)).length;
      },
    } as unknown as EndpointHandle;
    const sub = gate.closeRevoked(handle, (c) => c.principal as never);
    bus.publish(names.revocations, new TextEncoder().encode('{"kind":"agent"}'));
    await waitFor(() => logger.lines.some((l) => l.level === 'warn'), { what: 'malformed event reported' });
    expect(logger.lines).toEqual([
      { level: 'warn', obj: { channel: 'agents', error: expect.any(String) }, msg: 'ignoring malformed revocation event' },
    ]);
    expect(checked).toBe(0);
    await revokeNow('agent', 'someone-else');
    await waitFor(() => checked === 1, { what: 'event applied' });
    expect(conn.isOpen).toBe(true);
    expect(logger.lines).toHaveLength(1);
    sub.unsubscribe();
    gate.stop();
  });

  it('matches a jti revocation to that token only, and never across roles', () => {
    const claims = { sub: 'root', agent_id: 'user_root', role: 'admin' as const, scopes: [], iat: 1, exp: 2, jti: 'j1' };
    expect(revocationMatches({ kind: 'admin', subject: 'root', jti: 'j1', until: 9 }, claims)).toBe(true);
    expect(revocationMatches({ kind: 'admin', subject: 'root', jti: 'j2', until: 9 }, claims)).toBe(false);
    expect(revocationMatches({ kind: 'agent', subject: 'root', until: 9 }, claims)).toBe(false);
  });

  it('matches a token without jti by subject and issue second only', () => {
    const bare = { sub: 'root', agent_id: 'user_root', role: 'admin' as const, scopes: [], iat: 100, exp: 200 };
    expect(revocationMatches({ kind: 'admin', subject: 'root', iat: 100, until: 9 }, bare)).toBe(true);
    expect(revocationMatches({ kind: 'admin', subject: 'root', iat: 101, until: 9 }, bare)).toBe(false);
    expect(revocationMatches({ kind: 'admin', subject: 'other', iat: 100, until: 9 }, bare)).toBe(false);
    expect(revocationMatches({ kind: 'admin', subject: 'root', iat: 100, until: 9 }, { ...bare, jti: 'j1' })).toBe(false);
    expect(revocationMatches({ kind: 'admin', subject: 'root', until: 9 }, bare)).toBe(true);
  });
});
