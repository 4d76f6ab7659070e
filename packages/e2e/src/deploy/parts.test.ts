/**
 * The deployment driver's parts that need no engine: reading the builder's log, Prometheus
 * text, the stack description handed to Jest, the Compose choice, the setup tool rule, the
 * buildable services of a compose file, and the step log.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCompose } from './docker';
import { OFFLINE_TOOL, setupTool } from './engine';
import { allCached, buildableServices } from './images';
import { ComposeStack, sampleOf, type StackSpec } from './stack';
import { StepLog } from './steps';

const step = (n: number, instr: string, cached: boolean) =>
  `Step ${n}/9 : ${instr}\n${cached ? ' ---> Using cache\n' : ' ---> Running in 1234\n'} ---> abcd\n`;

describe('allCached', () => {
  it('is true when every RUN and COPY came from the cache', () => {
    expect(
      allCached(step(1, 'FROM node', false) + step(2, 'COPY . .', true) + step(3, 'RUN tsc', true) + step(4, 'LABEL a=b', false)),
    ).toBe(true);
  });

  it('is false when one step ran', () => {
    expect(allCached(step(1, 'COPY . .', true) + step(2, 'RUN tsc', false))).toBe(false);
  });

  it('is false for a log it cannot read (BuildKit output, nothing)', () => {
    expect(allCached('#5 [build 3/4] RUN tsc\n#5 CACHED\n')).toBe(false);
    expect(allCached('')).toBe(false);
  });
});

describe('sampleOf', () => {
  const text = [
    '# HELP x',
    'arcp_gateway_connections{channel="public"} 3',
    'arcp_gateway_connections{channel="public",extra="1"} 9',
    'plain_total 4.5 1700000000',
  ].join('\n');

  it('reads the sample of exactly that series', () => {
    expect(sampleOf(text, 'arcp_gateway_connections{channel="public"}')).toBe(3);
    expect(sampleOf(text, 'plain_total')).toBe(4.5);
  });

  it('is null for a series that is not there', () => {
    expect(sampleOf(text, 'arcp_gateway_connections{channel="agents"}')).toBeNull();
    expect(sampleOf('', 'plain_total')).toBeNull();
  });
});

describe('ComposeStack.fromEnv', () => {
  const spec: StackSpec = {
    compose: ['docker-compose'],
    project: 'p',
    files: ['/x/docker-compose.yml'],
    vars: { JWT_SECRET: 's' },
    edgePort: 1,
    prometheusPort: 2,
    serviceEnv: { AGENT_KEYS: 'a,b' },
  };

  it('round-trips what the driver hands to Jest', () => {
    const stack = new ComposeStack(spec);
    expect(ComposeStack.fromEnv(stack.toEnv())?.spec).toEqual(spec);
    expect(ComposeStack.fromEnv(stack.toEnv())?.edgeUrl).toBe('http://127.0.0.1:1');
  });

  it('is null outside test:deploy', () => {
    expect(ComposeStack.fromEnv({})).toBeNull();
  });

  it.each([
    ['not JSON', '{oops', /is not JSON/],
    ['a stack without ports', JSON.stringify({ ...spec, edgePort: 'x' }), /does not describe a stack/],
    ['a stack without agent keys', JSON.stringify({ ...spec, serviceEnv: {} }), /does not describe a stack/],
    ['an array', '[]', /does not describe a stack/],
  ])('refuses %s', (_what, raw, complaint) => {
    expect(() => ComposeStack.fromEnv({ [ComposeStack.ENV]: raw })).toThrow(complaint);
  });
});

describe('findCompose', () => {
  it('refuses an ARCP_COMPOSE that does not answer', () => {
    expect(() => findCompose({ ARCP_COMPOSE: 'no-such-compose-binary' })).toThrow(/does not answer/);
  });
});

describe('setupTool', () => {
  it('takes ARCP_DOCKER_SETUP first, the repository tool under CI, nothing otherwise', () => {
    expect(setupTool({ ARCP_DOCKER_SETUP: '/opt/setup.sh', CI: 'true' })).toBe('/opt/setup.sh');
    expect(setupTool({ CI: 'true' })).toBe(OFFLINE_TOOL);
    expect(setupTool({})).toBeNull();
  });
});

describe('buildableServices', () => {
  it('lists the five app services of docker-compose.yml', () => {
    expect(
      buildableServices()
        .map((s) => s.service)
        .sort(),
    ).toEqual(['gateway-agents', 'gateway-dashboard', 'gateway-public', 'metrics', 'registry']);
  });

  it('skips services that are pulled or built without a SERVICE argument', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arcp-parts-'));
    try {
      const file = join(dir, 'docker-compose.yml');
      writeFileSync(
        file,
        'services:\n  a:\n    image: nats\n  b:\n    build: { context: . }\n  c:\n    build: { context: ., args: { SERVICE: registry } }\n',
      );
      expect(buildableServices(file)).toEqual([{ service: 'c', arg: 'registry' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('StepLog', () => {
  it('logs each step with its result and keeps the failure', async () => {
    const lines: string[] = [];
    const log = new StepLog((l) => lines.push(l));
    await log.run(
      'one',
      async () => 1,
      (v) => `got ${v}`,
    );
    await expect(log.run('two', async () => Promise.reject(new Error('broke\nmore')))).rejects.toThrow('broke');
    log.record({ name: 'three', ok: false, ms: 0, skipped: true }, true);
    expect(lines.filter((l) => l.startsWith('=== one:'))[0]).toMatch(/^=== one: ok in \d+\.\ds \(got 1\)$/);
    expect(lines.filter((l) => l.startsWith('=== two:'))[0]).toMatch(/^=== two: FAILED in \d+\.\ds \(broke\)$/);
    expect(log.failed).toBe(true);
    const summary = log.summary([{ name: 'recovery', value: '1.0 s' }], 1500);
    expect(summary).toMatch(/1 ok, 1 failed, 1 skipped/);
    expect(summary).toContain('recovery: 1.0 s');
  });
});
