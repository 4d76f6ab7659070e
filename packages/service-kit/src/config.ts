/**
 * Environment configuration: one zod schema per service, parsed once at the entry point by
 * `loadConfig` (never at import time), failing with a single message that lists every problem.
 */
import { hostname } from 'node:os';
import { z } from 'zod';

/** Startup configuration is invalid; `message` lists every problem, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Parses `env` against `schema`; the result is frozen so nothing mutates config at runtime. */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.infer<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(`invalid configuration:\n${z.prettifyError(result.error)}`, { cause: result.error });
  }
  return Object.freeze(result.data) as Readonly<z.infer<S>>;
}

/** Empty or whitespace-only variables count as unset: compose files often write `FOO=`. */
function blankToUndefined(v: unknown): unknown {
  return typeof v === 'string' && v.trim() === '' ? undefined : v;
}

export interface EnvNumberOptions {
  min?: number;
  max?: number;
  default?: number;
  /** Accept fractions (default false: integers only). */
  float?: boolean;
}

/** A numeric variable; '' is unset (z.coerce alone would turn it into 0). */
export function envNumber(opts: EnvNumberOptions & { default: number }): z.ZodType<number, unknown>;
export function envNumber(opts?: EnvNumberOptions): z.ZodType<number | undefined, unknown>;
export function envNumber(opts: EnvNumberOptions = {}): z.ZodType<number | undefined, unknown> {
  let n = opts.float ? z.number() : z.number().int();
  if (opts.min !== undefined) n = n.min(opts.min);
  if (opts.max !== undefined) n = n.max(opts.max);
  const num = z.string().trim().pipe(z.coerce.number<string>().pipe(n));
  const inner = opts.default === undefined ? num.optional() : num.default(opts.default);
  return z.preprocess(blankToUndefined, inner) as z.ZodType<number | undefined, unknown>;
}

/** A boolean variable: true/1/yes/on or false/0/no/off (case-insensitive); '' is unset. */
export function envBool(defaultValue: boolean): z.ZodType<boolean, unknown> {
  return z.preprocess(blankToUndefined, z.stringbool().default(defaultValue)) as z.ZodType<boolean, unknown>;
}

/** Comma-separated list, items trimmed, empty items dropped; '' is unset. */
export function envList(defaultValue: readonly string[] = []): z.ZodType<string[], unknown> {
  const list = z
    .string()
    .transform((s) => s.split(',').map((p) => p.trim()).filter((p) => p.length > 0));
  return z.preprocess(blankToUndefined, list.optional()).transform((v) => v ?? [...defaultValue]);
}

/** A duration in seconds (fractions allowed), e.g. `SHUTDOWN_TIMEOUT_S=25`. */
export function envSeconds(opts: { min?: number; max?: number; default: number }): z.ZodType<number, unknown> {
  return envNumber({ ...opts, float: true });
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Fields every service reads; spread `BaseServiceEnv.shape` into a service schema. */
export const BaseServiceEnv = z.object({
  // Verbosity of the JSON logs on stdout; debug/trace are for investigations, not production.
  LOG_LEVEL: z.preprocess(blankToUndefined, z.enum(LOG_LEVELS).default('info')),
  // Every service reaches the others only through NATS; a comma list gives the client several
  // seed servers of one cluster so a single node restart does not stall startup.
  NATS_URL: envList(['nats://127.0.0.1:4222']).refine((l) => l.length > 0, 'at least one NATS server URL'),
  // Copies JetStream keeps of every bucket and stream the services create (agent directory,
  // revocations, lockouts, leases, logs, alerts): 3 on a three-node cluster loses nothing when a
  // node goes. Unset: 3 when NATS_URL lists three or more servers, else 1. An existing bucket
  // with fewer is raised in place at startup (never recreated, never lowered).
  NATS_REPLICAS: envNumber({ min: 1, max: 5 }),
  // Namespace of every subject, bucket and stream, so two deployments (or test runs) can share
  // one NATS without seeing each other. Dot-separated tokens of [A-Za-z0-9_-].
  ARCP_BUS_PREFIX: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'dot-separated tokens of [A-Za-z0-9_-]')
      .default('arcp'),
  ),
  // Internal port for /metrics, /healthz and /readyz: scraped and probed inside the cluster,
  // never exposed through the public ingress. 9464 is the conventional Prometheus exporter port.
  OPS_PORT: envNumber({ min: 0, max: 65535, default: 9464 }),
  // Probes and scrapes come from other pods/containers, so bind every interface by default.
  OPS_HOST: z.preprocess(blankToUndefined, z.string().default('0.0.0.0')),
  // Upper bound of the graceful drain; keep it below the orchestrator's grace period
  // (k8s terminationGracePeriodSeconds, compose stop_grace_period) so we exit before SIGKILL.
  SHUTDOWN_TIMEOUT_S: envSeconds({ min: 1, max: 600, default: 25 }),
  // Behind an edge proxy (nginx, an ingress) every request comes from the proxy's address: set
  // this so client addresses (rate limits, logs) come from the first X-Forwarded-For entry.
  // Leave it off when clients reach the service directly, or they could forge their address.
  TRUST_PROXY: envBool(false),
  // Distinguishes replicas in telemetry, leases and logs; pod names are unique hostnames.
  INSTANCE_ID: z.preprocess(blankToUndefined, z.string().default(() => `${hostname()}-${process.pid}`)),
});
export type BaseServiceConfig = z.infer<typeof BaseServiceEnv>;
