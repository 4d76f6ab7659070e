/**
 * The brute-force gate in front of credential checks (admin login, agent keys): refuse while the
 * client is backing off or locked out, and record failures with their security log entries and
 * audit lines. Each credential has its own record per client (see store/lockout.ts).
 */
import { type HttpRequest } from '@arcp/service-kit';
import { type RegistryContext } from '../context';
import { type LockoutScope } from '../store/lockout';
import { fail, HttpFailure } from './responses';

export async function assertNotThrottled(ctx: RegistryContext, req: HttpRequest, scope: LockoutScope): Promise<void> {
  const verdict = await (await ctx.stores()).lockout.check(scope, req.ip);
  if (verdict.allowed) return;
  ctx.metrics.authFailures.inc({ reason: 'locked_out' });
  const detail = verdict.lockedOut
    ? `Too many failed login attempts: locked out, retry after ${verdict.retryAfterS} seconds`
    : `Too many login attempts, wait ${verdict.retryAfterS} seconds`;
  throw new HttpFailure(
    fail(
      req,
      'rate-limit-exceeded',
      detail,
      { attempt_type: 'login', retry_after: verdict.retryAfterS },
      { 'retry-after': String(verdict.retryAfterS) },
    ),
  );
}

export interface FailedAttempt {
  scope: LockoutScope;
  /** Metric label and audit reason: `bad_password`, `bad_agent_key`, ... */
  reason: string;
  /** The security log entry dashboards show. */
  message: string;
  /** The agent the client claimed to be, for agent-key failures. */
  agentId?: string;
}

/** Counts one failed credential check; logs (and audits) a lockout when this failure started one. */
export async function recordFailure(ctx: RegistryContext, req: HttpRequest, attempt: FailedAttempt): Promise<void> {
  ctx.metrics.authFailures.inc({ reason: attempt.reason });
  const who = {
    client_ip: req.ip,
    endpoint: req.path,
    request_id: req.requestId,
    ...(attempt.agentId !== undefined ? { agent_id: attempt.agentId } : {}),
  };
  ctx.audit.record('login_failed', { reason: attempt.reason, ...who });
  const lockedForS = await (await ctx.stores()).lockout.failure(attempt.scope, req.ip);
  ctx.events.log('WARN', 'security', attempt.message, { event_type: attempt.reason, client_ip: req.ip, endpoint: req.path });
  if (lockedForS > 0) {
    ctx.audit.record('lockout', { reason: attempt.scope, retry_after_s: lockedForS, ...who });
    ctx.events.log('CRIT', 'security', 'Client locked out after repeated failed authentication attempts', {
      event_type: 'lockout',
      client_ip: req.ip,
      endpoint: req.path,
    });
  }
}

export async function recordSuccess(ctx: RegistryContext, req: HttpRequest, scope: LockoutScope): Promise<void> {
  await (await ctx.stores()).lockout.success(scope, req.ip);
}
