/**
 * The command line without a server: help on every command, usage errors as one line with exit
 * 2, genconfig's file, and tokens minted and checked with the registry's own token service.
 */
import { createTokenService } from '@arcp/auth';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { COMMANDS } from './cli';
import { arcp } from './test-support/run';

const SECRET = 'cli-test-secret-0123456789abcdef-0123456789';
const tmp = () => mkdtempSync(join(tmpdir(), 'arcp-cli-'));

describe('help and usage', () => {
  it('prints help for the tool, each group and every command', async () => {
    expect(await arcp(['--help'])).toMatchObject({ code: 0, out: expect.stringContaining('Usage: arcp <command>') });
    expect((await arcp([])).code).toBe(2);
    expect((await arcp(['agent', '--help'])).out).toContain('arcp agent register');
    for (const cmd of COMMANDS) {
      const r = await arcp([...cmd.name.split(' '), '--help']);
      expect({ cmd: cmd.name, code: r.code, usage: r.out.startsWith(`Usage: arcp ${cmd.name}`) }).toEqual({
        cmd: cmd.name,
        code: 0,
        usage: true,
      });
    }
  });

  it('answers mistakes with one line and exit code 2', async () => {
    for (const argv of [
      ['nope'],
      ['token', 'burn'],
      ['tail', '--bogus', 'public'],
      ['tail'],
      ['tail', 'private'],
      ['token', 'mint'],
      ['token', 'mint', '--agent', 'a', '--admin'],
      ['health', '--url', 'ftp://x'],
    ]) {
      const r = await arcp(argv, { env: { JWT_SECRET: SECRET } });
      expect({ argv, code: r.code, lines: r.err.trim().split('\n').length }).toEqual({ argv, code: 2, lines: 1 });
      expect(r.err).toMatch(/^arcp: .*\(see arcp --help\)\n$/);
    }
  });
});

describe('genconfig', () => {
  it('writes fresh secrets to a private .env and refuses to overwrite it without --force', async () => {
    const dir = tmp();
    const first = await arcp(['genconfig'], { cwd: dir });
    expect(first.code).toBe(0);
    const path = join(dir, '.env');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const env = parseEnv(readFileSync(path, 'utf8'));
    expect(env.JWT_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(env.AGENT_KEYS!.split(',')).toHaveLength(2);
    expect(env.ADMIN_PASSWORD).toBeTruthy();
    expect(first.out).not.toContain(env.JWT_SECRET!);
    const again = await arcp(['genconfig'], { cwd: dir });
    expect(again).toMatchObject({ code: 1, err: expect.stringMatching(/already exists \(use --force/) });
    expect(parseEnv(readFileSync(path, 'utf8')).JWT_SECRET).toBe(env.JWT_SECRET);
    expect((await arcp(['genconfig', '--force'], { cwd: dir })).code).toBe(0);
    expect(parseEnv(readFileSync(path, 'utf8')).JWT_SECRET).not.toBe(env.JWT_SECRET);
  });
});

describe('token mint and check', () => {
  it('mints agent and admin tokens that the token service accepts', async () => {
    const env = { JWT_SECRET: SECRET };
    const agent = await arcp(['token', 'mint', '--agent', 'scanner-1'], { env });
    expect(agent.code).toBe(0);
    const service = createTokenService({ secret: SECRET, agentTtlS: 60, adminTtlS: 60, tempTtlS: 60 });
    expect((await service.verify(agent.out.trim(), { accept: ['agent'] })).claims).toMatchObject({ sub: 'scanner-1', role: 'agent' });
    const admin = JSON.parse((await arcp(['token', 'mint', '--admin', '--user', 'ops', '--ttl', '120', '--json'], { env })).out) as {
      token: string;
      expires_in: number;
    };
    expect(admin.expires_in).toBe(120);
    expect((await service.verify(admin.token, { accept: ['admin'] })).claims).toMatchObject({ sub: 'ops', role: 'admin' });
  });

  it('checks claims, expiry and signature', async () => {
    const token = (await arcp(['token', 'mint', '--agent', 'a1'], { env: { JWT_SECRET: SECRET } })).out.trim();
    const ok = await arcp(['token', 'check', token], { env: { JWT_SECRET: SECRET } });
    expect(ok).toMatchObject({ code: 0, out: expect.stringContaining('valid (JWT_SECRET) — agent token') });
    expect(ok.out).toContain('"a1"');
    const other = await arcp(['token', 'check', token, '--json'], { env: { JWT_SECRET: `${SECRET}-other` } });
    expect(other.code).toBe(1);
    expect(JSON.parse(other.out)).toMatchObject({ signature: 'invalid', expired: false, claims: { sub: 'a1' } });
    const unchecked = await arcp(['token', 'check', token]);
    expect(unchecked).toMatchObject({ code: 0, out: expect.stringContaining('not checked (no JWT_SECRET)') });
    const past = createTokenService({ secret: SECRET, agentTtlS: 60, adminTtlS: 60, tempTtlS: 60, now: () => Date.now() - 3_600_000 });
    const expired = await arcp(['token', 'check', (await past.issueAgent('old')).token, '--json'], { env: { JWT_SECRET: SECRET } });
    expect(expired.code).toBe(1);
    expect(JSON.parse(expired.out)).toMatchObject({ expired: true, signature: 'valid', problem: 'expired' });
    expect(await arcp(['token', 'check', 'not-a-jwt'])).toMatchObject({
      code: 1,
      err: 'arcp: not a JWT (expected three dot-separated parts)\n',
    });
  });

  it('reads JWT_SECRET from ./.env, and the environment wins over the file', async () => {
    const dir = tmp();
    writeFileSync(join(dir, '.env'), `JWT_SECRET=${SECRET}\nADMIN_USERNAME=from-file\n`);
    const minted = JSON.parse((await arcp(['token', 'mint', '--admin', '--json'], { cwd: dir })).out) as { claims: { sub: string } };
    expect(minted.claims.sub).toBe('from-file');
    const overridden = JSON.parse(
      (await arcp(['token', 'mint', '--admin', '--json'], { cwd: dir, env: { ADMIN_USERNAME: 'from-env' } })).out,
    ) as { claims: { sub: string } };
    expect(overridden.claims.sub).toBe('from-env');
    expect(await arcp(['token', 'mint', '--agent', 'x'], { cwd: dir, env: { JWT_SECRET: 'short' } })).toMatchObject({
      code: 1,
      err: 'arcp: JWT_SECRET must be at least 32 characters\n',
    });
    expect((await arcp(['token', 'mint', '--agent', 'x', '--env-file', 'missing.env'], { cwd: dir })).err).toMatch(
      /^arcp: env file not found/,
    );
    expect(await arcp(['token', 'mint', '--agent', 'x'])).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^arcp: JWT_SECRET is not set/),
    });
  });
});
