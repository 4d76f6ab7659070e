/**
 * docker-compose.yml against the Compose Specification schema (repo.ts: COMPOSE_SCHEMA), against docker-compose v1.29 itself where it is
 * installed, and against our policy; every rule is also shown to fire on a deliberately broken
 * copy.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ComposeFile, appServices, composeHardening, composePolicy, composeSchemaValidator } from './compose';
import { clone } from './k8s-types';
import { describeWithTool, readYaml, repoPath, run } from './repo';

const compose = readYaml<ComposeFile>(repoPath('docker-compose.yml'));
const prometheus = readYaml<Parameters<typeof composePolicy>[1]>(repoPath('ops/prometheus/prometheus.yml'));
const serviceDirs = readdirSync(repoPath('services'));
const release = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version;
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('docker-compose.yml against the compose-spec schema', () => {
  const validate = composeSchemaValidator();

  it('is valid', () => {
    expect(validate(compose)).toEqual([]);
  });

  it.each<[string, (c: Loose) => void, RegExp]>([
    [
      'a misspelt depends_on condition',
      (c) => (c.services['gateway-public'].depends_on.nats.condition = 'service_helthy'),
      /must be equal to one of the allowed values/,
    ],
    [
      'an unknown service key',
      (c) => (c.services.registry.healthchek = c.services.registry.healthcheck),
      /must NOT have additional properties.*healthchek/,
    ],
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
    [
      'a container_name',
      (c) => (c.services['gateway-agents'].container_name = 'agents'),
      /gateway-agents: container_name prevents --scale/,
    ],
    [
      'a default secret',
      (c) => (c.services.registry.environment.ADMIN_PASSWORD = '${ADMIN_PASSWORD:-admin}'),
      /registry: ADMIN_PASSWORD must be required/,
    ],
    [
      'a literal Grafana password',
      (c) => (c.services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD = 'admin'),
      /grafana: GF_SECURITY_ADMIN_PASSWORD must be required/,
    ],
    [
      'a grace period under the drain',
      (c) => (c.services.metrics.stop_grace_period = '20s'),
      /metrics: stop_grace_period 20s must be ≥ 30s/,
    ],
    [
      'a start before NATS is healthy',
      (c) => (c.services.registry.depends_on.nats.condition = 'service_started'),
      /registry: must depend on nats with condition service_healthy/,
    ],
    [
      'a healthcheck off /readyz',
      (c) => (c.services['gateway-dashboard'].healthcheck.test = ['CMD', 'true']),
      /gateway-dashboard: healthcheck must probe \/readyz/,
    ],
    [
      'an image of no service',
      (c) => (c.services['gateway-public'].build.args.SERVICE = 'gateway-publik'),
      /SERVICE=gateway-publik is not a directory/,
    ],
    ['a missing gateway', (c) => delete c.services['gateway-agents'], /service gateway-agents is missing/],
    [
      'a static scrape target',
      (_c, p) => (p.scrape_configs[2] = { job_name: 'gateway-public', static_configs: [{ targets: ['gateway-public:9464'] }] }),
      /gateway-public: Prometheus needs a dns_sd job/,
    ],
    [
      'client addresses taken from the edge',
      (c) => (c.services.registry.environment.TRUST_PROXY = 'false'),
      /registry: TRUST_PROXY must be "true"/,
    ],
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

describe('docker-compose.yml hardening and docker-compose v1.29', () => {
  it('passes: limits, read-only roots, no capabilities, versioned images, v1.29 fields only', () => {
    expect(composeHardening(compose, release)).toEqual([]);
  });

  it.each<[string, (c: Loose) => void, RegExp]>([
    ['a service without a memory limit', (c) => delete c.services.nats.mem_limit, /nats: no mem_limit/],
    ['a service without a CPU limit', (c) => delete c.services['gateway-agents'].cpus, /gateway-agents: no cpus limit/],
    ['a service without a pids limit', (c) => delete c.services.edge.pids_limit, /edge: no pids_limit/],
    [
      'limits only under deploy',
      (c) => (c.services.metrics.deploy = { resources: { limits: { memory: '384m' } } }),
      /metrics: `deploy` is ignored by docker-compose v1.29/,
    ],
    ['a writable root filesystem', (c) => (c.services.prometheus.read_only = false), /prometheus: root filesystem must be read_only/],
    ['capabilities kept', (c) => delete c.services.registry.cap_drop, /registry: must drop every capability/],
    ['an extra capability', (c) => (c.services.edge.cap_add = [...c.services.edge.cap_add, 'SYS_ADMIN']), /edge: cap_add SYS_ADMIN/],
    ['privilege escalation allowed', (c) => (c.services.grafana.security_opt = []), /grafana: security_opt needs no-new-privileges/],
    ['a top-level name', (c) => (c.name = 'arcp'), /top-level `name` is rejected by docker-compose v1.29/],
    ['a healthcheck start_interval', (c) => (c.services.nats.healthcheck.start_interval = '1s'), /nats: healthcheck start_interval/],
    ['depends_on restart', (c) => (c.services.registry.depends_on.nats.restart = true), /registry: depends_on.nats.restart/],
    [
      'an app image on latest',
      (c) => (c.services['gateway-public'].image = 'arcp/gateway-public:latest'),
      /gateway-public: image arcp\/gateway-public:latest must be tagged/,
    ],
    ['a build without the version label', (c) => delete c.services.registry.build.args.VERSION, /registry: build arg VERSION/],
    ['an unpinned third-party image', (c) => (c.services.nats.image = 'nats'), /nats: image nats must be pinned/],
    [
      'a third-party image on latest',
      (c) => (c.services.grafana.image = 'grafana/grafana:latest'),
      /grafana: image grafana\/grafana:latest must be pinned/,
    ],
  ])('catches %s', (_name, breakIt, complaint) => {
    const c = clone(compose) as unknown as Loose;
    breakIt(c);
    expect(composeHardening(c as ComposeFile, release).join('\n')).toMatch(complaint);
  });

  it('would catch an image default that drifts from package.json', () => {
    expect(composeHardening(compose, '9.9.9').join('\n')).toMatch(/registry: image .* must be tagged :\$\{ARCP_VERSION:-9\.9\.9\}/);
  });
});

// .ci/run installs docker-compose (with the engine) before the tests.
const DOCKER_COMPOSE = { requiredInCi: true, install: 'apt-get install docker-compose (.ci/run installs it with the Docker engine)' };

describeWithTool('docker-compose', DOCKER_COMPOSE, 'docker-compose config (v1)', (bin) => {
  // Placeholders for the required variables: `config` only interpolates, nothing starts.
  const env = { ...process.env, JWT_SECRET: 'x'.repeat(32), ADMIN_PASSWORD: 'x', AGENT_KEYS: 'x', GRAFANA_ADMIN_PASSWORD: 'x' };
  const config = (file: string) => run(bin, ['-f', file, 'config', '-q'], { env });

  it('accepts docker-compose.yml', () => {
    const r = config(repoPath('docker-compose.yml'));
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it.each<[string, (t: string) => string, RegExp]>([
    [
      'a healthcheck start_interval',
      (t) => t.replace('      interval: 5s\n', '      interval: 5s\n      start_interval: 1s\n'),
      /start_interval/,
    ],
    ['a top-level name', (t) => `name: arcp\n${t}`, /'name' does not match/],
  ])('rejects %s (a newer spec field)', (_name, edit, complaint) => {
    const dir = mkdtempSync(join(tmpdir(), 'arcp-compose-'));
    try {
      const text = readFileSync(repoPath('docker-compose.yml'), 'utf8');
      expect(edit(text)).not.toBe(text);
      writeFileSync(join(dir, 'docker-compose.yml'), edit(text));
      const r = config(join(dir, 'docker-compose.yml'));
      expect(r.status).not.toBe(0);
      expect(r.output).toMatch(complaint);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
