/**
 * The brute-force gate in front of credential checks (admin login, agent keys): refuse while the
 * client is backing off or locked out, and record failures with their security log entries.
 */
import { type HttpRequest } from '@arcp/service-kit';
import { type RegistryContext } from '../context';
import { fail, HttpFailure } from './responses';

export async function assertNotThrottled(ctx: RegistryContext, req: HttpRequest): Promise<void> {
  const verdict = await (await ctx.stores()).lockout.check(req.ip);
  if (verdict.allowed) return;
  ctx.metrics.authFailures.inc({ reason: 'locked_out' });
  const detail = verdict.lockedOut
    ? `Too many failed login attempts: locked out, retry after ${verdict.retryAfterS} seconds`
    : `Too many login attempts, wait ${verdict.retryAfterS} seconds`;
  throw new HttpFailure(
    fail(req, 'rate-limit-exceeded', detail, { attempt_type: 'login', retry_after: verdict.retryAfterS }, { 'retry-after': String(verdict.retryAfterS) }),
  );
}

/** Counts one failed credential check; logs a lockout when this failure started one. */
export async function recordFailure(ctx: RegistryContext, req: HttpRequest, reason: string, message: string): Promise<void> {
  ctx.metrics.authFailures.inc({ reason });
  const lockedOut = await (await ctx.stores()).lockout.failure(req.ip);
  ctx.events.log('WARN', 'security', message, { event_type: reason, client_ip: req.ip, endpoint: req.path });
  if (lockedOut) {
    ctx.events.log('CRIT', 'security', 'Client locked out after repeated failed authentication attempts', {
      event_type: 'lockout',
      client_ip: req.ip,
      endpoint: req.path,
    });
  }
}

export async function recordSuccess(ctx: RegistryContext, req: HttpRequest): Promise<void> {
  await (await ctx.stores()).lockout.success(req.ip);
}
