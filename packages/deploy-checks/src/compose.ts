/**
 * docker-compose.yml checks without Docker: the Compose Specification JSON schema (ajv, from
 * ../shared/schemas, never copied here) and our policy: scalable app services (no host port, no
 * container_name), healthchecks and ordering on a healthy NATS, a stop grace above the drain,
 * required secrets without defaults, image builds of real services, and a Prometheus job that
 * discovers every replica of each app service.
 */
import { existsSync, readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { COMPOSE_SCHEMA } from './repo';

export interface ComposeService {
  image?: string;
  build?: { context?: string; args?: Record<string, string> };
  ports?: unknown[];
  container_name?: string;
  environment?: Record<string, string | number | null>;
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] };
  stop_grace_period?: string;
  profiles?: string[];
  volumes?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** The app services built from this repository (the Dockerfile's SERVICE build argument). */
export const appServices = (c: ComposeFile): string[] => Object.keys(c.services).filter((n) => c.services[n]!.build?.args?.SERVICE);
const GATEWAYS = ['gateway-public', 'gateway-agents', 'gateway-dashboard'];
const REQUIRED_SECRETS = ['JWT_SECRET', 'ADMIN_PASSWORD', 'AGENT_KEYS', 'GF_SECURITY_ADMIN_PASSWORD'];

/** A validator for the compose-spec schema (notes: shared/schemas/README.md); null when absent. */
export function composeSchemaValidator(path = COMPOSE_SCHEMA): ((doc: unknown) => string[]) | null {
  if (!existsSync(path)) return null;
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^((\d+(\.\d+)?)(ns|us|ms|s|m|h))+$/);
  for (const name of ['ports', 'expose', 'subnet_ip_address', 'uri']) ajv.addFormat(name, true);
  const validate = ajv.compile(schema);
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
}

/** Go duration → seconds (`35s`, `1m30s`). */
export function durationSeconds(d: string | undefined): number {
  if (!d) return 10; // Docker's default
  let total = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return total;
}

export function composePolicy(c: ComposeFile, prometheus: { scrape_configs?: Array<{ job_name: string; dns_sd_configs?: Array<{ names: string[]; port: number }> }> }, serviceDirs: string[]): string[] {
  const out: string[] = [];
  const apps = appServices(c);
  for (const g of GATEWAYS) if (!apps.includes(g)) out.push(`service ${g} is missing`);
  for (const name of apps) {
    const s = c.services[name]!;
    if (s.ports?.length) out.push(`${name}: publishes host ports, so --scale ${name}=N collides`);
    if (s.container_name) out.push(`${name}: container_name prevents --scale`);
    if (!serviceDirs.includes(s.build!.args!.SERVICE!)) out.push(`${name}: build arg SERVICE=${s.build!.args!.SERVICE} is not a directory of services/`);
    const deps = s.depends_on && !Array.isArray(s.depends_on) ? s.depends_on : {};
    if (deps.nats?.condition !== 'service_healthy') out.push(`${name}: must depend on nats with condition service_healthy`);
    if (!s.healthcheck?.test?.join(' ').includes('/readyz')) out.push(`${name}: healthcheck must probe /readyz`);
    if (String(s.environment?.TRUST_PROXY) !== 'true') out.push(`${name}: TRUST_PROXY must be "true" behind the edge (else every client shares the edge's address)`);
    const drain = Number(s.environment?.SHUTDOWN_TIMEOUT_S ?? 25);
    const grace = durationSeconds(s.stop_grace_period);
    if (grace < 30 || grace <= drain) out.push(`${name}: stop_grace_period ${s.stop_grace_period ?? '10s'} must be ≥ 30s and above SHUTDOWN_TIMEOUT_S (${drain}s)`);
    const job = prometheus.scrape_configs?.find((j) => j.job_name === name);
    if (!job?.dns_sd_configs?.some((d) => d.names.includes(name) && d.port === 9464)) out.push(`${name}: Prometheus needs a dns_sd job "${name}" on port 9464 (one target per replica)`);
  }
  for (const [name, s] of Object.entries(c.services)) {
    for (const [key, value] of Object.entries(s.environment ?? {})) {
      if (REQUIRED_SECRETS.includes(key) && !/^\$\{\w+:\?[^}]+\}$/.test(String(value))) out.push(`${name}: ${key} must be required from the environment (\${${key}:?message}), never a default`);
    }
  }
  const edge = Object.entries(c.services).find(([, s]) => (s.volumes ?? []).some((v) => v.includes('ops/nginx')));
  if (!edge) out.push('no edge service mounts ops/nginx');
  else if (!(edge[1].ports ?? []).some((p) => String(p).endsWith(':80'))) out.push(`${edge[0]}: must publish the edge port (…:80)`);
  return out;
}
