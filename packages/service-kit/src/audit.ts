/**
 * The security audit trail: one structured log line per failed login, lockout and rejected token,
 * marked `audit: <event>` so a log pipeline can route them apart from operational lines. Callers
 * pass what happened and to whom (the reason, the client address, the endpoint or channel, an
 * agent id); never a password, a key or a token, which the logger would censor anyway.
 */
import type { LoggerLike } from './http/server-port';

export type AuditEvent = 'login_failed' | 'lockout' | 'token_rejected';

export interface AuditFields {
  /** Why: `bad_password`, `bad_agent_key`, `expired`, `revoked`, `wrong_role`, ... */
  reason: string;
  client_ip: string;
  /** The HTTP path, or the WebSocket channel's path. */
  endpoint: string;
  /** The identity the client claimed, when it is not a secret (an agent id). */
  agent_id?: string;
  /** Seconds a lockout lasts. */
  retry_after_s?: number;
  /** The HTTP request's id (X-Request-Id), to find its access line and response. */
  request_id?: string;
}

export interface AuditLog {
  record(event: AuditEvent, fields: AuditFields): void;
}

const MESSAGES: Readonly<Record<AuditEvent, string>> = {
  login_failed: 'audit: failed login',
  lockout: 'audit: client locked out',
  token_rejected: 'audit: token rejected',
};

export function createAuditLog(logger: LoggerLike): AuditLog {
  return {
    record(event, fields) {
      logger.warn({ audit: event, ...fields }, MESSAGES[event]);
    },
  };
}
