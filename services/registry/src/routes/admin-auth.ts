/**
 * Operator login and logout (as in the original ARCP server). Login compares both credentials in constant time
 * behind the brute-force gate; logout revokes the admin token everywhere (revoked bucket plus a
 * RevocationEvent, so dashboards holding it are closed) instead of keeping server sessions.
 */
import { revoke, safeEqual } from '@arcp/auth';
import { LoginRequestSchema } from '@arcp/protocol';
import { type HttpRequest, type HttpResponse } from '@arcp/service-kit';
import { type RegistryContext } from '../context';
import { parseBody } from '../http/body';
import { authenticate } from '../http/guard';
import { fail, json } from '../http/responses';
import { assertNotThrottled, recordFailure, recordSuccess } from '../http/throttle';

const UNAUTHORIZED = {
  agentLogin: 'Authentication failed: Direct agent login not allowed. Use agent registration flow with valid agent key',
  badAdmin: 'Authentication failed: Invalid admin credentials',
  neither: 'Authentication failed: Invalid credentials - provide either agent_id/agent_type or username/password',
} as const;

export async function login(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  await assertNotThrottled(ctx, req, 'admin_login');
  const body = parseBody(req, LoginRequestSchema, ctx.config.MAX_JSON_SIZE);
  if (body.agent_id && body.agent_type) {
    await recordFailure(ctx, req, {
      scope: 'admin_login',
      reason: 'agent_login',
      message: `Direct agent login refused for ${body.agent_id}`,
      agentId: body.agent_id,
    });
    return fail(req, 'authentication-failed', UNAUTHORIZED.agentLogin);
  }
  if (!body.username || !body.password) {
    await recordFailure(ctx, req, { scope: 'admin_login', reason: 'bad_credentials', message: 'Login without usable credentials' });
    return fail(req, 'authentication-failed', UNAUTHORIZED.neither);
  }
  const expected = ctx.config.ADMIN_PASSWORD;
  if (expected === undefined) return fail(req, 'service-unavailable', 'admin login is not configured');
  // Both comparisons always run, so timing does not reveal which one failed.
  const userOk = safeEqual(body.username, ctx.config.ADMIN_USERNAME);
  const passOk = safeEqual(body.password, expected);
  if (!(userOk && passOk)) {
    await recordFailure(ctx, req, { scope: 'admin_login', reason: 'bad_password', message: 'Failed admin login attempt' });
    return fail(req, 'authentication-failed', UNAUTHORIZED.badAdmin);
  }
  await recordSuccess(ctx, req, 'admin_login');
  const issued = await ctx.tokens.issueAdmin(body.username);
  ctx.logger.info({ username: body.username, client_ip: req.ip, request_id: req.requestId }, 'admin logged in');
  ctx.events.log('INFO', 'auth', `Admin login successful: ${body.username}`, { event_type: 'admin_login_success', client_ip: req.ip });
  return json({
    access_token: issued.token,
    token_type: 'bearer',
    expires_in: issued.expiresIn,
    agent_id: issued.claims.agent_id,
  });
}

export async function logout(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const caller = await authenticate(ctx, req, 'admin', ['admin']);
  const stores = await ctx.stores();
  await revoke(
    { kv: stores.revokedKv, bus: ctx.bus, busSubject: ctx.names.revocations, now: ctx.now },
    {
      kind: 'admin',
      subject: caller.claims.sub,
      // A token minted elsewhere has no id: it is revoked by its subject and issue second.
      ...(caller.claims.jti !== undefined ? { jti: caller.claims.jti } : { iat: caller.claims.iat }),
      untilMs: caller.claims.exp * 1000 + 60_000,
    },
  );
  ctx.logger.info({ username: caller.claims.sub, client_ip: req.ip, request_id: req.requestId }, 'admin logged out');
  ctx.events.log('INFO', 'auth', `Admin logged out: ${caller.claims.sub}`, { event_type: 'admin_logout', client_ip: req.ip });
  return json({ status: 'success', message: 'Logged out and session PIN cleared' });
}
