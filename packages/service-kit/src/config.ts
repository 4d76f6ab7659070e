/**
 * Environment configuration: one zod schema per service, parsed once at the entry point by
 * `loadConfig` (never at import time), failing with a single line that names every bad variable,
 * its value and the rule it breaks (`ARCP_PORT=abc: must be an integer from 0 to 65535`).
 *
 * Every variable is built with one of the `env*` helpers below: each carries the rule it
 * enforces, and registers what the generated configuration reference shows (type, default,
 * range, secret) in `ENV_DOCS`, so the reference is read from the schemas and cannot drift.
 */
import { hostname } from 'node:os';
import { z } from 'zod';

/** Exit status of a process whose configuration is invalid (see docs/configuration.md). */
export const EXIT_CONFIG = 2;

/** Startup configuration is invalid; `message` is one line naming every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** What the configuration reference says about one variable. */
export interface EnvDoc {
  type: string;
  /** Shown as is; absent when the variable has no default. */
  default?: string;
  /** Allowed values, in words. */
  range?: string;
  /** Never printed, logged or echoed in an error. */
  secret?: boolean;
}

/** The reference entry of every schema built by the helpers below. */
export const ENV_DOCS = z.registry<EnvDoc>();

function documented<T extends z.ZodType>(schema: T, doc: EnvDoc): T {
  ENV_DOCS.add(schema, doc);
  return schema;
}

/** Parses `env` against `schema`; the result is frozen so nothing mutates config at runtime. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): Readonly<z.infer<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = describeConfigIssues(result.error.issues, env, secretNames(schema));
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`, { cause: result.error });
  }
  return Object.freeze(result.data) as Readonly<z.infer<S>>;
}

/** Names of the variables of `schema` marked secret (their values are never shown). */
function secretNames(schema: z.ZodType): Set<string> {
  const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {};
  return new Set(
    Object.entries(shape)
      .filter(([, field]) => ENV_DOCS.get(field)?.secret)
      .map(([name]) => name),
  );
}

/** A value as the operator wrote it, quoted only where it would be ambiguous, cut when long. */
function shownValue(name: string, raw: string | undefined, secrets: ReadonlySet<string>): string {
  if (raw === undefined) return `${name} (unset)`;
  if (secrets.has(name)) return `${name}=<hidden, ${raw.length} characters>`;
  const cut = raw.length > 60 ? `${raw.slice(0, 57)}...` : raw;
  return /^[\x21-\x7e]+$/.test(cut) ? `${name}=${cut}` : `${name}=${JSON.stringify(cut)}`;
}

/** One `NAME=value: rule` entry per bad variable, several rules of one variable joined. */
export function describeConfigIssues(
  issues: readonly z.core.$ZodIssue[],
  env: Record<string, string | undefined>,
  secrets: ReadonlySet<string> = new Set(),
): string[] {
  const byName = new Map<string, string[]>();
  for (const issue of issues) {
    const name = String(issue.path[0] ?? '(environment)');
    const rules = byName.get(name) ?? [];
    if (!rules.includes(issue.message)) rules.push(issue.message);
    byName.set(name, rules);
  }
  return [...byName].map(([name, rules]) => `${shownValue(name, env[name], secrets)}: ${rules.join(', ')}`);
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

function numberRule(opts: EnvNumberOptions): string {
  const kind = opts.float ? 'a number' : 'an integer';
  if (opts.min !== undefined && opts.max !== undefined) return `${kind} from ${opts.min} to ${opts.max}`;
  if (opts.min !== undefined) return `${kind} of at least ${opts.min}`;
  if (opts.max !== undefined) return `${kind} of at most ${opts.max}`;
  return kind;
}

/** A numeric variable; '' is unset (z.coerce alone would turn it into 0). */
export function envNumber(opts: EnvNumberOptions & { default: number }): z.ZodType<number, unknown>;
export function envNumber(opts?: EnvNumberOptions): z.ZodType<number | undefined, unknown>;
export function envNumber(opts: EnvNumberOptions = {}): z.ZodType<number | undefined, unknown> {
  const rule = numberRule(opts);
  const num = z
    .string()
    .trim()
    .transform((s, ctx) => {
      const n = Number(s);
      const ok = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) && Number.isFinite(n) && (opts.float || Number.isInteger(n));
      if (ok && (opts.min === undefined || n >= opts.min) && (opts.max === undefined || n <= opts.max)) return n;
      ctx.addIssue({ code: 'custom', message: `must be ${rule}` });
      return z.NEVER;
    });
  const inner = opts.default === undefined ? num.optional() : num.default(opts.default);
  const schema = z.preprocess(blankToUndefined, inner) as z.ZodType<number | undefined, unknown>;
  return documented(schema, {
    type: opts.float ? 'number' : 'integer',
    ...(opts.default === undefined ? {} : { default: String(opts.default) }),
    range: rule.replace(/^(an integer|a number) ?/, ''),
  });
}

/** A boolean variable: true/1/yes/on or false/0/no/off (case-insensitive); '' is unset. */
export function envBool(defaultValue: boolean): z.ZodType<boolean, unknown> {
  const rule = 'must be true/false, 1/0, yes/no or on/off';
  const schema = z.preprocess(blankToUndefined, z.stringbool({ error: rule }).default(defaultValue)) as z.ZodType<boolean, unknown>;
  return documented(schema, { type: 'boolean', default: String(defaultValue), range: 'true/false, 1/0, yes/no, on/off' });
}

export interface EnvListOptions {
  /** Each item must match; `itemRule` says how in words. */
  item?: RegExp;
  itemRule?: string;
  /** Rule over the whole list (after items are checked); `listRule` says it in words. */
  check?: (items: string[]) => boolean;
  listRule?: string;
  secret?: boolean;
}

/** Comma-separated list, items trimmed, empty items dropped; '' is unset. */
export function envList(defaultValue: readonly string[] = [], opts: EnvListOptions = {}): z.ZodType<string[], unknown> {
  const list = z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p.length > 0),
    )
    .superRefine((items, ctx) => {
      if (opts.item && !items.every((i) => opts.item?.test(i)))
        ctx.addIssue({ code: 'custom', message: `must be ${opts.itemRule ?? 'a comma-separated list'}` });
      else if (opts.check && !opts.check(items)) ctx.addIssue({ code: 'custom', message: `must be ${opts.listRule ?? 'a valid list'}` });
    });
  const schema = z.preprocess(blankToUndefined, list.optional()).transform((v) => v ?? [...defaultValue]);
  return documented(schema, {
    type: 'comma-separated list',
    ...(opts.secret ? {} : { default: defaultValue.join(',') }),
    ...(opts.itemRule || opts.listRule ? { range: opts.listRule ?? opts.itemRule } : {}),
    ...(opts.secret ? { secret: true } : {}),
  });
}

/** A duration in seconds (fractions allowed), e.g. `SHUTDOWN_TIMEOUT_S=25`. */
export function envSeconds(opts: { min?: number; max?: number; default: number }): z.ZodType<number, unknown> {
  return envNumber({ ...opts, float: true });
}

export interface EnvStringOptions {
  /** A fixed default, or a function for one computed at startup (described by `defaultText`). */
  default?: string | (() => string);
  defaultText?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  /** The rule in words, used in errors and in the reference. */
  rule?: string;
  /** Never shown: errors give its length only, the reference marks it. */
  secret?: boolean;
  /** Message when a variable without a default is unset (it is then required). */
  requiredRule?: string;
}

/** A string variable; '' is unset. Without `default` it is optional unless `requiredRule` is given. */
export function envString(
  opts: EnvStringOptions & ({ default: string | (() => string) } | { requiredRule: string }),
): z.ZodType<string, unknown>;
export function envString(opts?: EnvStringOptions): z.ZodType<string | undefined, unknown>;
export function envString(opts: EnvStringOptions = {}): z.ZodType<string | undefined, unknown> {
  const rule = opts.rule ?? lengthRule(opts);
  const str = z
    .string({ error: (iss) => (iss.input === undefined ? (opts.requiredRule ?? 'is required') : 'must be a string') })
    .superRefine((s, ctx) => {
      const bad =
        (opts.minLength !== undefined && s.length < opts.minLength) ||
        (opts.maxLength !== undefined && s.length > opts.maxLength) ||
        (opts.pattern !== undefined && !opts.pattern.test(s));
      if (bad) ctx.addIssue({ code: 'custom', message: `must be ${rule ?? 'valid'}` });
    });
  const def = opts.default;
  const inner =
    typeof def === 'function' ? str.default(def) : def !== undefined ? str.default(def) : opts.requiredRule ? str : str.optional();
  const schema = z.preprocess(blankToUndefined, inner) as z.ZodType<string | undefined, unknown>;
  const defaultText = opts.defaultText ?? (typeof opts.default === 'string' ? opts.default : undefined);
  return documented(schema, {
    type: 'string',
    ...(defaultText === undefined ? {} : { default: defaultText }),
    ...(rule ? { range: rule } : {}),
    ...(opts.secret ? { secret: true } : {}),
  });
}

function lengthRule(opts: EnvStringOptions): string | undefined {
  if (opts.minLength !== undefined && opts.maxLength !== undefined) return `${opts.minLength} to ${opts.maxLength} characters`;
  if (opts.minLength !== undefined) return `at least ${opts.minLength} characters`;
  if (opts.maxLength !== undefined) return `at most ${opts.maxLength} characters`;
  return undefined;
}

/** One of a fixed set of words; '' is unset. */
export function envEnum<const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number]): z.ZodType<T[number], unknown> {
  const rule = `one of ${values.join(', ')}`;
  const schema = z.preprocess(blankToUndefined, z.enum(values, { error: `must be ${rule}` }).default(defaultValue as never)) as z.ZodType<
    T[number],
    unknown
  >;
  return documented(schema, { type: 'enum', default: defaultValue, range: values.join(', ') });
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Fields every service reads; spread `BaseServiceEnv.shape` into a service schema. */
export const BaseServiceEnv = z.object({
  // Verbosity of the logs on stdout; debug/trace are for investigations, not production.
  LOG_LEVEL: envEnum(LOG_LEVELS, 'info'),
  // JSON lines (what log collectors read) or pino-pretty's coloured lines for a person; `auto`
  // is pretty on a terminal and JSON otherwise. Pretty needs the dev dependency pino-pretty.
  LOG_FORMAT: envEnum(LOG_FORMATS, 'auto'),
  // Every service reaches the others only through NATS; a comma list gives the client several
  // seed servers of one cluster so a single node restart does not stall startup.
  NATS_URL: envList(['nats://127.0.0.1:4222'], {
    item: /^(nats|tls|ws|wss):\/\/\S+$|^[^\s:/]+(:\d+)?$/,
    itemRule: 'comma-separated NATS server URLs (nats://host:port)',
  }).refine((l) => l.length > 0, 'must list at least one NATS server URL'),
  // How long a service waits at startup for NATS to answer (retrying with backoff and logging
  // each wait) before it exits naming NATS_URL; after startup it reconnects forever.
  NATS_CONNECT_TIMEOUT_S: envSeconds({ min: 0, max: 3600, default: 30 }),
  // Copies JetStream keeps of every bucket and stream the services create (agent directory,
  // revocations, lockouts, leases, logs, alerts): 3 on a three-node cluster loses nothing when a
  // node goes. Unset: 3 when NATS_URL lists three or more servers, else 1. An existing bucket
  // with fewer is raised in place at startup (never recreated, never lowered).
  NATS_REPLICAS: envNumber({ min: 1, max: 5 }),
  // Namespace of every subject, bucket and stream, so two deployments (or test runs) can share
  // one NATS without seeing each other. Dot-separated tokens of [A-Za-z0-9_-].
  ARCP_BUS_PREFIX: envString({
    default: 'arcp',
    pattern: /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/,
    rule: 'dot-separated tokens of [A-Za-z0-9_-]',
  }),
  // Internal port for /metrics, /healthz and /readyz: scraped and probed inside the cluster,
  // never exposed through the public ingress. 9464 is the conventional Prometheus exporter port.
  OPS_PORT: envNumber({ min: 0, max: 65535, default: 9464 }),
  // Probes and scrapes come from other pods/containers, so bind every interface by default.
  OPS_HOST: envString({ default: '0.0.0.0', rule: 'a host name or address to bind' }),
  // Upper bound of the graceful drain; keep it below the orchestrator's grace period
  // (k8s terminationGracePeriodSeconds, compose stop_grace_period) so we exit before SIGKILL.
  SHUTDOWN_TIMEOUT_S: envSeconds({ min: 1, max: 600, default: 25 }),
  // Behind an edge proxy (nginx, an ingress) every request comes from the proxy's address: set
  // this so client addresses (rate limits, logs) come from the first X-Forwarded-For entry.
  // Leave it off when clients reach the service directly, or they could forge their address.
  TRUST_PROXY: envBool(false),
  // Distinguishes replicas in telemetry, leases and logs; pod names are unique hostnames.
  INSTANCE_ID: envString({ default: () => `${hostname()}-${process.pid}`, defaultText: '<hostname>-<pid>' }),
});
export type BaseServiceConfig = z.infer<typeof BaseServiceEnv>;
