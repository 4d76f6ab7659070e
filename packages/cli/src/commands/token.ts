/**
 * `arcp token mint` and `arcp token check`: tokens signed and verified with the server's
 * JWT_SECRET by the same token service the registry uses, so a minted token is exactly what
 * login or registration would hand out (useful for scripts and for testing a deployment).
 */
import { AuthError, createTokenService, TOKEN_ALGORITHMS, type TokenAlgorithm, type TokenService } from '@arcp/auth';
import { COMMON_HELP, str, type Command, type Parsed } from '../args';
import { CliError, painter, UsageError } from '../io';

type Env = Record<string, string | undefined>;

function service(env: Env, ttlS?: number): TokenService {
  const secret = env.JWT_SECRET;
  if (!secret) throw new CliError('JWT_SECRET is not set (environment or .env; `arcp genconfig` writes one)');
  if (secret.length < 32) throw new CliError('JWT_SECRET must be at least 32 characters');
  const algorithm = (env.JWT_ALGORITHM || 'HS256') as TokenAlgorithm;
  if (!TOKEN_ALGORITHMS.includes(algorithm)) throw new CliError(`JWT_ALGORITHM must be one of ${TOKEN_ALGORITHMS.join(', ')}`);
  const minutes = (name: string, fallback: number) => Number(env[name] || fallback) * 60;
  return createTokenService({
    secret,
    algorithm,
    agentTtlS: ttlS ?? minutes('JWT_EXPIRE_MINUTES', 60),
    adminTtlS: ttlS ?? minutes('SESSION_TIMEOUT', 30),
    tempTtlS: ttlS ?? 900,
  });
}

function ttlOf(args: Parsed): number | undefined {
  const raw = str(args, 'ttl');
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`token mint: --ttl must be a positive number of seconds, got "${raw}"`);
  return n;
}

export const tokenMint: Command = {
  name: 'token mint',
  summary: 'sign an agent or admin token with JWT_SECRET',
  help: `Usage: arcp token mint --agent ID [--ttl SECONDS] [--json]
       arcp token mint --admin [--user NAME] [--ttl SECONDS] [--json]

Signs a token with JWT_SECRET (and JWT_ALGORITHM) from the environment or .env, with the claims
the registry gives an agent after registration or an operator after login. Prints the token.

Options:
      --agent ID      an agent access token for agent ID (/agents/ws, agent routes)
      --admin         an admin token (/dashboard/ws, admin routes)
      --user NAME     admin user name (default ADMIN_USERNAME or ARCP)
      --ttl SECONDS   lifetime (default JWT_EXPIRE_MINUTES for agents, SESSION_TIMEOUT for admins)
      --json          print {token, claims, expires_in} as JSON
${COMMON_HELP}`,
  options: {
    agent: { type: 'string' },
    admin: { type: 'boolean' },
    user: { type: 'string' },
    ttl: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io, env) {
    const agent = str(args, 'agent');
    if ((agent === undefined) === !args.values.admin) throw new UsageError('token mint: give exactly one of --agent ID or --admin');
    if (agent === '') throw new UsageError('token mint: --agent needs an agent id');
    const tokens = service(env, ttlOf(args));
    const issued =
      agent !== undefined ? await tokens.issueAgent(agent) : await tokens.issueAdmin(str(args, 'user') || env.ADMIN_USERNAME || 'ARCP');
    io.stdout.write(
      args.values.json
        ? `${JSON.stringify({ token: issued.token, claims: issued.claims, expires_in: issued.expiresIn })}\n`
        : `${issued.token}\n`,
    );
    return 0;
  },
};

function decode(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const parts = token.split('.');
  if (parts.length !== 3) throw new CliError('not a JWT (expected three dot-separated parts)');
  try {
    const [header, claims] = parts
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>);
    return { header: header!, claims: claims! };
  } catch {
    throw new CliError('not a JWT (header or claims are not base64url JSON)');
  }
}

type Verdict = { signature: 'valid' | 'invalid' | 'not checked'; problem?: string; kind?: string };

async function verdict(token: string, env: Env): Promise<Verdict> {
  if (!env.JWT_SECRET) return { signature: 'not checked' };
  try {
    const verified = await service(env).verify(token, { accept: ['agent', 'admin', 'temp'] });
    return { signature: 'valid', kind: verified.kind };
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    if (err.reason === 'expired') return { signature: 'valid', problem: 'expired' };
    return { signature: err.reason === 'bad_signature' ? 'invalid' : 'not checked', problem: err.reason };
  }
}

export const tokenCheck: Command = {
  name: 'token check',
  summary: "show a token's claims and expiry, and verify its signature with JWT_SECRET",
  help: `Usage: arcp token check JWT [--json]

Prints the claims, when the token expires, and whether JWT_SECRET (environment or .env) verifies
its signature. Exits 0 for a usable token, 1 for an expired, malformed or badly signed one.
Without JWT_SECRET the signature is reported as not checked.

Options:
      --json          print {header, claims, expires_at, expired, signature, kind} as JSON
${COMMON_HELP}`,
  options: { json: { type: 'boolean' } },
  positionals: [1, 1],
  async run(args, io, env) {
    const token = args.positionals[0]!.trim();
    const { header, claims } = decode(token);
    const exp = typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined;
    const expired = exp !== undefined && exp.getTime() <= Date.now();
    const v = await verdict(token, env);
    const ok = !expired && v.signature !== 'invalid' && (v.problem === undefined || v.problem === 'expired');
    if (args.values.json) {
      io.stdout.write(
        `${JSON.stringify({ header, claims, expires_at: exp?.toISOString() ?? null, expired, signature: v.signature, kind: v.kind ?? null, problem: v.problem ?? null })}\n`,
      );
      return ok ? 0 : 1;
    }
    const p = painter(io.stdout, io.env);
    const lines = Object.entries(claims).map(([k, value]) => `  ${k.padEnd(16)} ${JSON.stringify(value)}`);
    const left = exp ? Math.round((exp.getTime() - Date.now()) / 1000) : undefined;
    const expiry =
      exp === undefined
        ? p.yellow('no exp claim')
        : expired
          ? p.red(`expired ${exp.toISOString()}`)
          : p.green(`valid until ${exp.toISOString()} (${left} s left)`);
    const sig =
      v.signature === 'valid'
        ? p.green('valid (JWT_SECRET)')
        : v.signature === 'invalid'
          ? p.red('INVALID for this JWT_SECRET')
          : p.yellow(`not checked${v.problem ? ` (${v.problem})` : ' (no JWT_SECRET)'}`);
    io.stdout.write(
      `${p.bold('header')}  ${JSON.stringify(header)}\n${p.bold('claims')}\n${lines.join('\n')}\n${p.bold('expiry')}  ${expiry}\n${p.bold('signature')} ${sig}${v.kind ? ` — ${v.kind} token` : ''}\n`,
    );
    return ok ? 0 : 1;
  },
};
