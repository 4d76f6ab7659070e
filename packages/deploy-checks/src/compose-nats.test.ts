/**
 * docker-compose.nats-cluster.yml merged over docker-compose.yml: valid against the compose-spec
 * schema (repo.ts: COMPOSE_SCHEMA), still passing the base policy, and a JetStream cluster the services
 * use with three copies; every rule is shown to fire on a broken copy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { type ComposeFile, composeHardening, composePolicy, composeSchemaValidator } from './compose';
import { mergeCompose, natsClusterPolicy, natsServices } from './compose-nats';
import { clone } from './k8s-types';
import { readYaml, repoPath } from './repo';

const base = readYaml<ComposeFile>(repoPath('docker-compose.yml'));
const override = readYaml<Partial<ComposeFile>>(repoPath('docker-compose.nats-cluster.yml'));
const merged = mergeCompose(base, override);
const prometheus = readYaml<Parameters<typeof composePolicy>[1]>(repoPath('ops/prometheus/prometheus.yml'));
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('merging a compose override', () => {
  it('merges maps key by key and replaces lists', () => {
    const out = mergeCompose({ a: { x: 1, list: [1, 2] }, b: 2 }, { a: { y: 3, list: [9] }, c: 4 });
    expect(out).toEqual({ a: { x: 1, y: 3, list: [9] }, b: 2, c: 4 });
  });
});

describe('docker-compose.nats-cluster.yml against the compose-spec schema', () => {
  it('is valid on its own and merged', () => {
    const validate = composeSchemaValidator();
    expect(validate(override)).toEqual([]);
    expect(validate(merged)).toEqual([]);
  });
});

describe('docker-compose.nats-cluster.yml', () => {
  it('keeps the base policy and hardening and adds a three-node JetStream cluster used with three copies', () => {
    expect(composePolicy(merged, prometheus, readdirSync(repoPath('services')))).toEqual([]);
    const release = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version;
    expect(composeHardening(merged, release)).toEqual([]);
    expect(natsServices(merged)).toEqual(['nats', 'nats-2', 'nats-3']);
    expect(natsClusterPolicy(merged)).toEqual([]);
    // The base file alone is one server, which this policy refuses as a cluster.
    expect(natsClusterPolicy(base).join('\n')).toMatch(/1 nats services/);
  });

  it.each<[string, (c: Loose) => void, RegExp]>([
    [
      'a missing route',
      (c) => (c.services['nats-3'].command[c.services['nats-3'].command.indexOf('--routes') + 1] = 'nats://nats:6222,nats://nats-3:6222'),
      /nats-3: --routes must name every node; nats:\/\/nats-2:6222 is missing/,
    ],
    [
      'two nodes with one name',
      (c) => (c.services['nats-2'].command[c.services['nats-2'].command.indexOf('--server_name') + 1] = 'nats-1'),
      /nats-2: needs its own --server_name/,
    ],
    [
      'two cluster names',
      (c) => (c.services['nats-3'].command[c.services['nats-3'].command.indexOf('--cluster_name') + 1] = 'other'),
      /must share one --cluster_name/,
    ],
    ['a shared volume', (c) => (c.services['nats-3'].volumes = ['nats-2-data:/data']), /nats-3: needs a volume of its own on \/data/],
    ['an undeclared volume', (c) => delete c.volumes['nats-3-data'], /nats-3: volume nats-3-data is not declared/],
    [
      'a service given one node',
      (c) => (c.services.registry.environment.NATS_URL = 'nats://nats:4222'),
      /registry: NATS_URL must list every node; nats:\/\/nats-2:4222 is missing/,
    ],
    [
      'a service keeping one copy',
      (c) => delete c.services['gateway-public'].environment.NATS_REPLICAS,
      /gateway-public: NATS_REPLICAS must be "3"/,
    ],
    [
      'a service started before a node is up',
      (c) => delete c.services.metrics.depends_on['nats-3'],
      /metrics: must start after nats-3 is healthy/,
    ],
    ['a node without a healthcheck', (c) => delete c.services['nats-2'].healthcheck, /nats-2: needs a healthcheck/],
  ])('catches %s', (_name, breakIt, complaint) => {
    const c = clone(merged) as unknown as Loose;
    breakIt(c);
    expect(natsClusterPolicy(c as ComposeFile).join('\n')).toMatch(complaint);
  });
});
