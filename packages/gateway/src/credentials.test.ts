import { AuthError, createTokenService, revoke } from '@arcp/auth';
import { subjects } from '@arcp/protocol';
import { createMemoryBus } from '@arcp/service-kit';
import { waitFor } from '@arcp/testkit';
import { createCredentialGate, revocationMatches } from './credentials';
import type { EndpointHandle } from '@arcp/ws-engine';
import { createFakeConnection, createRecordingLogger } from '@arcp/ws-engine/testing';

const tokens = createTokenService({ secret: 's'.repeat(40), agentTtlS: 600, adminTtlS: 600, tempTtlS: 60 });
const names = subjects('gate');
const FROM = { ip: '10.1.2.3', endpoint: '/agents/ws' };

async function setup() {
  const bus = createMemoryBus();
  const gate = await createCredentialGate({ bus, prefix: 'gate', tokens, logger: createRecordingLogger() });
  const kv = await bus.kv(names.revokedBucket);
  const revokeNow = (kind: 'agent' | 'admin', subject: string, jti?: string) =>
    revoke({ kv, bus, busSubject: names.revocations }, { kind, subject, ...(jti ? { jti } : {}), untilMs: Date.now() + 600_000 });
  return { bus, gate, revokeNow };
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
    await new Promise((r) => setTimeout(r, 2));
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
      { kind: 'admin', subject: 'root', jti: admin.claims.jti, untilMs: Date.now() + 600_000 },
    );
    const gate = await createCredentialGate({ bus, prefix: 'gate', tokens, logger: createRecordingLogger() });
    await expect(gate.verify(admin.token, ['admin'], FROM)).rejects.toMatchObject({ reason: 'revoked' });
    gate.stop();
  });

  it('closes the live sockets a revocation event names, and only those', async () => {
    const { gate, revokeNow } = await setup();
    const mine = createFakeConnection('agents');
    const other = createFakeConnection('agents');
    mine.principal = (await tokens.issueAgent('agent-7')).claims;
    other.principal = (await tokens.issueAgent('agent-8')).claims;
    const conns = [mine, other];
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
