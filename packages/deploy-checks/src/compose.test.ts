/**
 * docker-compose.yml against the Compose Specification schema (skipped with a message where
 * ../shared/schemas/compose-spec.json is absent) and against our policy; every rule is also
 * shown to fire on a deliberately broken copy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { type ComposeFile, appServices, composePolicy, composeSchemaValidator } from './compose';
import { clone } from './k8s-types';
import { COMPOSE_SCHEMA, describeWithFile, readYaml, repoPath } from './repo';

const compose = readYaml<ComposeFile>(repoPath('docker-compose.yml'));
const prometheus = readYaml<Parameters<typeof composePolicy>[1]>(repoPath('ops/prometheus/prometheus.yml'));
const serviceDirs = readdirSync(repoPath('services'));
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describeWithFile(COMPOSE_SCHEMA, 'docker-compose.yml against the compose-spec schema', () => {
  const validate = composeSchemaValidator()!;

  it('is valid', () => {
    expect(validate(compose)).toEqual([]);
  });

  it.each<[string, (c: Loose) => void, RegExp]>([
    ['a misspelt depends_on condition', (c) => (c.services['gateway-public'].depends_on.nats.condition = 'service_helthy'), /must be equal to one of the allowed values/],
    ['an unknown service key', (c) => (c.services.registry.healthchek = c.services.registry.healthcheck), /must NOT have additional properties.*healthchek/],
    ['a wrongly typed field', (c) => (c.services.registry.expose = '8080'), /\/services\/registry\/expose must be array/],
  ])('rejects %s', (_name, breakIt, complaint) => {
    const broken = clone(compose) as unknown as Loose;
    breakIt(broken);
    expect(validate(broken).join('\n')).toMatch(complaint);
  });
});

describe('docker-compose.yml policy', () => {
  it('passes: scalable gateways, healthy ordering, drain-safe grace, required secrets, per-replica scraping', () => {
    expect(appServices(compose).sort()).toEqual(['gateway-agents', 'gateway-dashboard', 'gateway-public', 'metrics', 'registry']);
    expect(composePolicy(compose, prometheus, serviceDirs)).toEqual([]);
  });

  it.each<[string, (c: Loose, p: Loose) => void, RegExp]>([
    ['a fixed host port on a gateway', (c) => (c.services['gateway-public'].ports = ['8080:8080']), /gateway-public: publishes host ports/],
    ['a container_name', (c) => (c.services['gateway-agents'].container_name = 'agents'), /gateway-agents: container_name prevents --scale/],
    ['a default secret', (c) => (c.services.registry.environment.ADMIN_PASSWORD = '${ADMIN_PASSWORD:-admin}'), /registry: ADMIN_PASSWORD must be required/],
    ['a literal Grafana password', (c) => (c.services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD = 'admin'), /grafana: GF_SECURITY_ADMIN_PASSWORD must be required/],
    ['a grace period under the drain', (c) => (c.services.metrics.stop_grace_period = '20s'), /metrics: stop_grace_period 20s must be ≥ 30s/],
    ['a start before NATS is healthy', (c) => (c.services.registry.depends_on.nats.condition = 'service_started'), /registry: must depend on nats with condition service_healthy/],
    ['a healthcheck off /readyz', (c) => (c.services['gateway-dashboard'].healthcheck.test = ['CMD', 'true']), /gateway-dashboard: healthcheck must probe \/readyz/],
    ['an image of no service', (c) => (c.services['gateway-public'].build.args.SERVICE = 'gateway-publik'), /SERVICE=gateway-publik is not a directory/],
    ['a missing gateway', (c) => delete c.services['gateway-agents'], /service gateway-agents is missing/],
    ['a static scrape target', (_c, p) => (p.scrape_configs[2] = { job_name: 'gateway-public', static_configs: [{ targets: ['gateway-public:9464'] }] }), /gateway-public: Prometheus needs a dns_sd job/],
    ['client addresses taken from the edge', (c) => (c.services.registry.environment.TRUST_PROXY = 'false'), /registry: TRUST_PROXY must be "true"/],
    ['an edge without a published port', (c) => delete c.services.edge.ports, /edge: must publish the edge port/],
  ])('catches %s', (_name, breakIt, complaint) => {
    const c = clone(compose) as unknown as Loose;
    const p = clone(prometheus) as unknown as Loose;
    breakIt(c, p);
    expect(composePolicy(c as ComposeFile, p, serviceDirs).join('\n')).toMatch(complaint);
  });

  it('documents every required variable in docs/deployment.md', () => {
    const text = readFileSync(repoPath('docker-compose.yml'), 'utf8');
    const required = [...new Set([...text.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]!))];
    expect(required.sort()).toEqual(['ADMIN_PASSWORD', 'AGENT_KEYS', 'GRAFANA_ADMIN_PASSWORD', 'JWT_SECRET']);
    const docs = readFileSync(repoPath('docs/deployment.md'), 'utf8');
    for (const name of required) expect(docs).toContain(name);
  });
});
