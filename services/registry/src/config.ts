/**
 * The registry's environment: reference variable names and defaults where they exist, plus
 * our own listen address. Parsed once by `loadConfig(RegistryEnv)` at the entry point.
 */
import { JwtEnv } from '@arcp/auth';
import { MIN_AGENT_KEY_LENGTH } from '@arcp/protocol';
import { BaseServiceEnv, envList, envNumber, envSeconds, envString } from '@arcp/service-kit';
import { type z } from 'zod';

const TYPE_TOKEN = /^[a-zA-Z0-9_-]{2,50}$/;

export const DEFAULT_AGENT_TYPES = ['security', 'monitoring', 'automation', 'networking', 'testing'] as const;

export const RegistryEnv = BaseServiceEnv.extend({
  // Registration keys handed to agent operators; each key may back one live agent at a time.
  // Unset means registration is switched off (temp-token requests answer 503), never a crash.
  AGENT_KEYS: envList([], {
    item: new RegExp(`^\\S{${MIN_AGENT_KEY_LENGTH},200}$`),
    itemRule: `comma-separated keys of ${MIN_AGENT_KEY_LENGTH} to 200 characters each, no spaces (agents send one as agent_key)`,
    secret: true,
  }),
  // Agent types accepted at registration (case-insensitive), 1–100 entries of [A-Za-z0-9_-].
  ALLOWED_AGENT_TYPES: envList([...DEFAULT_AGENT_TYPES], {
    check: (l) => l.length >= 1 && l.length <= 100 && l.every((t) => TYPE_TOKEN.test(t)),
    listRule: '1-100 comma-separated agent types, each 2-50 characters of [A-Za-z0-9_-]',
  }),
  // Seconds without a heartbeat after which an agent is dead (the reference's alive rule).
  AGENT_HEARTBEAT_TIMEOUT: envSeconds({ min: 0.1, max: 86_400, default: 60 }),
  // Upper bound of the liveness sweep period; the sweep also runs at least every timeout/4.
  AGENT_CLEANUP_INTERVAL: envSeconds({ min: 0.05, max: 86_400, default: 60 }),
  // JWT_SECRET and JWT_ALGORITHM: shared with the gateways, which verify agent and admin tokens.
  ...JwtEnv.shape,
  // Lifetime of agent access tokens.
  JWT_EXPIRE_MINUTES: envNumber({ min: 1, max: 525_600, default: 60 }),
  // Lifetime of the temporary registration token; `expires_in` reports exactly this (the original server reported another figure).
  ARCP_TPR_TOKEN_TTL_TEMP: envNumber({ min: 10, max: 86_400, default: 900 }),
  // The one operator account; without a password admin login answers 503.
  ADMIN_USERNAME: envString({ default: 'ARCP', maxLength: 255 }),
  ADMIN_PASSWORD: envString({ maxLength: 1024, secret: true }),
  // Admin token lifetime in minutes.
  SESSION_TIMEOUT: envNumber({ min: 1, max: 525_600, default: 30 }),
  // Failed logins (or bad agent keys) from one client before it is locked out (reference: burst).
  RATE_LIMIT_BURST: envNumber({ min: 1, max: 1000, default: 20 }),
  // First lockout length in seconds; each further lockout doubles it, capped at one hour.
  LOGIN_LOCKOUT_S: envNumber({ min: 1, max: 3600, default: 300 }),
  // Requests per second per client address on the whole API (token bucket), and the burst above
  // it; over it the answer is 429 + Retry-After. Brute force on login has its own lockout.
  HTTP_RATE_PER_S: envNumber({ min: 1, max: 1_000_000, default: 50 }),
  HTTP_RATE_BURST: envNumber({ min: 1, max: 1_000_000, default: 100 }),
  // Largest accepted request body; larger ones answer 413 before any parsing.
  MAX_JSON_SIZE: envNumber({ min: 1024, max: 64 * 1024 * 1024, default: 1_048_576 }),
  // Public HTTP listener of the standalone registry process.
  REGISTRY_PORT: envNumber({ min: 0, max: 65535, default: 8080 }),
  REGISTRY_HOST: envString({ default: '0.0.0.0', rule: 'a host name or address to bind' }),
});

export type RegistryConfig = z.infer<typeof RegistryEnv>;
