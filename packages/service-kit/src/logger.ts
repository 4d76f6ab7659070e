/**
 * The process logger: JSON on stdout with `service` in every line (pino-pretty's readable lines
 * on a terminal or with LOG_FORMAT=pretty, when that dev dependency is installed), ISO timestamps, and secrets
 * (tokens, passwords, keys, authorization headers, cookies) censored under the field names of
 * `REDACT_PATHS`, at the top level and one level down. Code never logs a secret under another
 * name: auth frames are logged as their outcome, never their content.
 */
import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';
import { type LogFormat, type LogLevel } from './config';

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
  /** LOG_FORMAT: `auto` (default) is pretty when stdout is a terminal. */
  format?: LogFormat;
  /** Whether stdout is a terminal (tests set it). */
  isTty?: boolean;
  /** Where a missing pino-pretty is reported (stderr by default). */
  notice?: (line: string) => void;
  /** How pino-pretty is found (tests stand in for an image without it). */
  loadPretty?: () => PrettyFactory | undefined;
}

type PrettyFactory = (opts: {
  colorize: boolean;
  sync: boolean;
  translateTime: string;
  ignore: string;
  destination: DestinationStream | number;
}) => DestinationStream;

/**
 * pino-pretty when it is installed: a dev dependency, absent from production images, where
 * JSON is what log collectors read anyway.
 */
function loadPretty(): PrettyFactory | undefined {
  try {
    return createRequire(__filename)('pino-pretty') as PrettyFactory;
  } catch {
    return undefined;
  }
}

/** Where the lines go: the caller's sink, pino-pretty when wanted and installed, else stdout. */
function destinationFor(opts: LoggerOptions): DestinationStream | undefined {
  const format = opts.format ?? 'auto';
  const tty = opts.isTty ?? (opts.destination ? false : process.stdout.isTTY === true);
  if (format === 'json' || (format === 'auto' && !tty)) return opts.destination;
  const pretty = (opts.loadPretty ?? loadPretty)();
  if (pretty)
    return pretty({
      colorize: tty,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      destination: opts.destination ?? 1,
    });
  (opts.notice ?? ((l) => process.stderr.write(`${l}\n`)))(
    `LOG_FORMAT=${format}: pino-pretty is not installed (a dev dependency), logging JSON`,
  );
  return opts.destination;
}

export function createLogger(opts: LoggerOptions): Logger {
  const options = {
    level: opts.level,
    base: { ...opts.base, service: opts.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: '[Redacted]' },
  };
  // pino's default destination writes stdout synchronously, so the last lines before an exit
  // are not lost; pino-pretty is asked to write synchronously too.
  const destination = destinationFor(opts);
  return destination ? pino(options, destination) : pino(options);
}
