/**
 * The process logger: JSON on stdout with `service` in every line, ISO timestamps, and secrets
 * (tokens, passwords, keys, authorization headers, cookies) censored under the field names of
 * `REDACT_PATHS`, at the top level and one level down. Code never logs a secret under another
 * name: auth frames are logged as their outcome, never their content.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { type LogLevel } from './config';

export type { Logger } from 'pino';

/** Paths censored in every log line; `*.x` covers one level of nesting (e.g. `{body: {token}}`). */
export const REDACT_PATHS: readonly string[] = [
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'accessToken',
  '*.accessToken',
  'refresh_token',
  '*.refresh_token',
  'temp_token',
  '*.temp_token',
  'jwt',
  '*.jwt',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'JWT_SECRET',
  '*.JWT_SECRET',
  'ADMIN_PASSWORD',
  '*.ADMIN_PASSWORD',
  'AGENT_KEYS',
  '*.AGENT_KEYS',
  'agent_key',
  '*.agent_key',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
];

export interface LoggerOptions {
  service: string;
  level: LogLevel;
  /** Where lines go; stdout by default. Tests pass a writable sink. */
  destination?: DestinationStream;
  /** Extra fields bound to every line (e.g. `instance`, `version`). */
  base?: Record<string, unknown>;
}

export function createLogger(opts: LoggerOptions): Logger {
  const options = {
    level: opts.level,
    base: { ...opts.base, service: opts.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: '[Redacted]' },
  };
  // pino's default destination writes stdout synchronously, so the last lines before an exit
  // are not lost.
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
