/**
 * docker-compose.yml checks without Docker: the Compose Specification JSON schema (ajv, from
 * repo.ts COMPOSE_SCHEMA) and our policy: scalable app services (no host port, no
 * container_name), healthchecks and ordering on a healthy NATS, a stop grace above the drain,
 * required secrets without defaults, image builds of real services, and a Prometheus job that
 * discovers every replica of each app service. Hardening: limits, read-only root filesystems, no
 * capabilities, versioned images; and only fields docker-compose v1.29 accepts (its rejections:
 * top-level `name`, healthcheck `start_interval`, `depends_on.*.restart`; it ignores
 * `deploy.resources`).
 */
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { COMPOSE_SCHEMA } from './repo';

export interface ComposeService {
  image?: string;
  build?: { context?: string; args?: Record<string, string> };
  ports?: unknown[];
  container_name?: string;
  environment?: Record<string, string | number | null>;
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[]; start_interval?: string };
  stop_grace_period?: string;
  profiles?: string[];
  volumes?: string[];
  mem_limit?: string;
  cpus?: number | string;
  pids_limit?: number;
  read_only?: boolean;
  cap_drop?: string[];
  cap_add?: string[];
  security_opt?: string[];
  tmpfs?: string[];
  deploy?: unknown;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** The app services built from this repository (the Dockerfile's SERVICE build argument). */
export const appServices = (c: ComposeFile): string[] => Object.keys(c.services).filter((n) => c.services[n]!.build?.args?.SERVICE);
const GATEWAYS = ['gateway-public', 'gateway-agents', 'gateway-dashboard'];
const REQUIRED_SECRETS = ['JWT_SECRET', 'ADMIN_PASSWORD', 'AGENT_KEYS', 'GF_SECURITY_ADMIN_PASSWORD'];

/**
 * Older revisions of the schema carry draft-04 `id`s (the root's and `#/definitions/…` ones) that
 * ajv 8 refuses; references use JSON pointers, so they go. (A property named `id` has an object
 * value and stays.)
 */
function dropDraft4Ids(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(dropDraft4Ids);
  if (node === null || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (typeof o.id === 'string') delete o.id;
  for (const v of Object.values(o)) dropDraft4Ids(v);
}

/** A validator for the compose-spec schema (repo.ts: COMPOSE_SCHEMA says which and how). */
export function composeSchemaValidator(path = COMPOSE_SCHEMA): (doc: unknown) => string[] {
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  dropDraft4Ids(schema);
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^((\d+(\.\d+)?)(ns|us|ms|s|m|h))+$/);
  for (const name of ['ports', 'expose', 'subnet_ip_address', 'uri']) ajv.addFormat(name, true);
  const validate = ajv.compile(schema);
  return (doc) =>
    validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Go duration → seconds (`35s`, `1m30s`). */
export function durationSeconds(d: string | undefined): number {
  if (!d) return 10; // Docker's default
  let total = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return total;
}

export function composePolicy(
  c: ComposeFile,
  prometheus: { scrape_configs?: Array<{ job_name: string; dns_sd_configs?: Array<{ names: string[]; port: number }> }> },
  serviceDirs: string[],
): string[] {
  const out: string[] = [];
  const apps = appServices(c);
  for (const g of GATEWAYS) if (!apps.includes(g)) out.push(`service ${g} is missing`);
  for (const name of apps) {
    const s = c.services[name]!;
    if (s.ports?.length) out.push(`${name}: publishes host ports, so --scale ${name}=N collides`);
    if (s.container_name) out.push(`${name}: container_name prevents --scale`);
    if (!serviceDirs.includes(s.build!.args!.SERVICE!))
      out.push(`${name}: build arg SERVICE=${s.build!.args!.SERVICE} is not a directory of services/`);
    const deps = s.depends_on && !Array.isArray(s.depends_on) ? s.depends_on : {};
    if (deps.nats?.condition !== 'service_healthy') out.push(`${name}: must depend on nats with condition service_healthy`);
    if (!s.healthcheck?.test?.join(' ').includes('/readyz')) out.push(`${name}: healthcheck must probe /readyz`);
    if (String(s.environment?.TRUST_PROXY) !== 'true')
      out.push(`${name}: TRUST_PROXY must be "true" behind the edge (else every client shares the edge's address)`);
    const drain = Number(s.environment?.SHUTDOWN_TIMEOUT_S ?? 25);
    const grace = durationSeconds(s.stop_grace_period);
    if (grace < 30 || grace <= drain)
      out.push(`${name}: stop_grace_period ${s.stop_grace_period ?? '10s'} must be ≥ 30s and above SHUTDOWN_TIMEOUT_S (${drain}s)`);
    const job = prometheus.scrape_configs?.find((j) => j.job_name === name);
    if (!job?.dns_sd_configs?.some((d) => d.names.includes(name) && d.port === 9464))
      out.push(`${name}: Prometheus needs a dns_sd job "${name}" on port 9464 (one target per replica)`);
  }
  for (const [name, s] of Object.entries(c.services)) {
    for (const [key, value] of Object.entries(s.environment ?? {})) {
      if (REQUIRED_SECRETS.includes(key) && !/^\$\{\w+:\?[^}]+\}$/.test(String(value)))
        out.push(`${name}: ${key} must be required from the environment (\${${key}:?message}), never a default`);
    }
  }
  const edge = Object.entries(c.services).find(([, s]) => (s.volumes ?? []).some((v) => v.includes('ops/nginx')));
  if (!edge) out.push('no edge service mounts ops/nginx');
  else if (!(edge[1].ports ?? []).some((p) => String(p).endsWith(':80'))) out.push(`${edge[0]}: must publish the edge port (…:80)`);
  return out;
}

/** Capabilities a hardened service may take back after `cap_drop: [ALL]` (nginx's master process). */
export const ALLOWED_CAPS = ['CHOWN', 'SETGID', 'SETUID', 'NET_BIND_SERVICE'];

/**
 * Per-service hardening and compatibility with docker-compose v1.29. `release` is package.json's
 * version: the default tag of the images built here.
 */
export function composeHardening(c: ComposeFile, release: string): string[] {
  const out: string[] = [];
  if (c.name !== undefined) out.push('top-level `name` is rejected by docker-compose v1.29 (use COMPOSE_PROJECT_NAME or -p)');
  const apps = appServices(c);
  for (const [name, s] of Object.entries(c.services)) {
    if (!s.mem_limit) out.push(`${name}: no mem_limit`);
    if (s.cpus === undefined) out.push(`${name}: no cpus limit`);
    if (!s.pids_limit) out.push(`${name}: no pids_limit`);
    if (s.deploy !== undefined) out.push(`${name}: \`deploy\` is ignored by docker-compose v1.29 (limits go in mem_limit/cpus)`);
    if (s.read_only !== true) out.push(`${name}: root filesystem must be read_only (tmpfs for scratch paths)`);
    if (!s.cap_drop?.includes('ALL')) out.push(`${name}: must drop every capability (cap_drop: [ALL])`);
    for (const cap of s.cap_add ?? [])
      if (!ALLOWED_CAPS.includes(cap)) out.push(`${name}: cap_add ${cap} is not one of ${ALLOWED_CAPS.join(', ')}`);
    if (!s.security_opt?.includes('no-new-privileges:true')) out.push(`${name}: security_opt needs no-new-privileges:true`);
    if (s.healthcheck?.start_interval !== undefined) out.push(`${name}: healthcheck start_interval is rejected by docker-compose v1.29`);
    const deps = s.depends_on && !Array.isArray(s.depends_on) ? s.depends_on : {};
    for (const [dep, cond] of Object.entries(deps))
      if ('restart' in (cond ?? {})) out.push(`${name}: depends_on.${dep}.restart is rejected by docker-compose v1.29`);
    const image = s.image ?? '';
    if (apps.includes(name)) {
      const tag = `:\${ARCP_VERSION:-${release}}`;
      if (!image.endsWith(tag)) out.push(`${name}: image ${image} must be tagged ${tag} (the release, overridable)`);
      if (s.build?.args?.VERSION !== `\${ARCP_VERSION:-${release}}`)
        out.push(`${name}: build arg VERSION must be \${ARCP_VERSION:-${release}}`);
    } else if (!/:[\w.-]+$/.test(image) || image.endsWith(':latest'))
      out.push(`${name}: image ${image || '(none)'} must be pinned to a version, not latest`);
  }
  return out;
}
