/**
 * Step 1 of agent registration, `POST /auth/agent/request_temp_token` (as in the original ARCP server), and the
 * disabled three-phase registration endpoints.
 */
import { matchesAny, sha256Hex } from '@arcp/auth';
import { MIN_AGENT_KEY_LENGTH, TempTokenRequestSchema } from '@arcp/protocol';
import { type HttpRequest, type HttpResponse } from '@arcp/service-kit';
import { type RegistryContext } from '../context';
import { parseBody } from '../http/body';
import { fail, failWith, json } from '../http/responses';
import { assertNotThrottled, recordFailure, recordSuccess } from '../http/throttle';

export async function requestTempToken(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  if (ctx.config.AGENT_KEYS.length === 0) return fail(req, 'service-unavailable', 'agent registration is not configured');
  await assertNotThrottled(ctx, req, 'agent_key');
  const body = parseBody(req, TempTokenRequestSchema, ctx.config.MAX_JSON_SIZE);
  if (!body.agent_id || !body.agent_type || !body.agent_key) {
    return fail(
      req,
      'invalid-input',
      'Invalid agent credentials: agent_id, agent_type, and agent_key are required for temporary token request',
    );
  }
  if (body.agent_key.length < MIN_AGENT_KEY_LENGTH) {
    return fail(req, 'invalid-input', 'Invalid agent_key: agent_key too short (minimum 10 characters required)');
  }
  if (!matchesAny(body.agent_key, ctx.config.AGENT_KEYS)) {
    await recordFailure(ctx, req, {
      scope: 'agent_key',
      reason: 'bad_agent_key',
      message: `Invalid agent registration key for agent ${body.agent_id}`,
      agentId: body.agent_id,
    });
    return fail(req, 'authentication-failed', 'Authentication failed: Invalid agent registration key');
  }
  await recordSuccess(ctx, req, 'agent_key');
  const issued = await ctx.tokens.issueTemp({
    agentId: body.agent_id,
    agentType: body.agent_type,
    agentKeyHash: sha256Hex(body.agent_key),
  });
  ctx.logger.info(
    { agent_id: body.agent_id, agent_type: body.agent_type, client_ip: req.ip, request_id: req.requestId },
    'temporary registration token issued',
  );
  ctx.events.log('INFO', 'auth', `Agent authenticated successfully: ${body.agent_id} (${body.agent_type})`, {
    event_type: 'agent_login_success',
    agent_id: body.agent_id,
    agent_type: body.agent_type,
    client_ip: req.ip,
  });
  return json({
    temp_token: issued.token,
    token_type: 'bearer',
    expires_in: issued.expiresIn,
    message: 'Temporary token issued. Use this token to complete agent registration.',
  });
}

/** A 4xx whose detail says "not enabled": what the 2.1 client needs to skip this phase. */
export function validateCompliance(req: HttpRequest): HttpResponse {
  return failWith(req, 400, 'tpr-disabled', 'Three-phase registration is not enabled on this server');
}

export function notImplemented(feature: string) {
  return (req: HttpRequest): HttpResponse => fail(req, 'not-implemented', `${feature} is not supported by this server`);
}
