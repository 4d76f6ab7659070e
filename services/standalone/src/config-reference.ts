/**
 * docs/configuration.md, generated: every variable of every service's zod schema (type,
 * default, range, the services that read it, secret or not, as each env helper registered it
 * in ENV_DOCS), then the variables of the tools around the product (CLI, local cluster, tests,
 * compose), which no service reads. `pnpm config:docs` writes it; a test fails when the file or
 * the list of variables the code reads drifts from this. Lives in the standalone service, the
 * one part that may import every service.
 */
import { GATEWAY_CHANNELS, gatewayServiceEnv } from '@arcp/gateway';
import { MetricsEnv } from '@arcp/metrics';
import { CHANNEL_NAMES, gatewayService } from '@arcp/protocol';
import { RegistryEnv } from '@arcp/registry';
import { ENV_DOCS, EXIT_CONFIG, EXIT_NATS_UNREACHABLE, EXIT_STARTUP_FAILED, type EnvDoc } from '@arcp/service-kit';
import { type z } from 'zod';
import { StandaloneEnv } from './config';

/** Every service process and the schema its entry point parses. */
export function serviceSchemas(): ReadonlyArray<readonly [string, z.ZodObject]> {
  return [
    ['standalone', StandaloneEnv as unknown as z.ZodObject],
    ['registry', RegistryEnv],
    ['metrics', MetricsEnv],
    ...CHANNEL_NAMES.map((name) => [gatewayService(name), gatewayServiceEnv(GATEWAY_CHANNELS[name])] as const),
  ];
}

/** Variables read by the tools around the services, never by a service. */
export const TOOL_VARIABLES: ReadonlyArray<{ name: string; tool: string; secret?: boolean; use: string }> = [
  { name: 'ARCP_URL', tool: 'arcp CLI', use: 'Base URL of the ARCP server the CLI talks to (default http://localhost:8001).' },
  { name: 'ARCP_TOKEN', tool: 'arcp CLI', secret: true, use: 'Token the CLI presents (agent commands, `tail`).' },
  { name: 'ARCP_AGENT_KEY', tool: 'arcp CLI', secret: true, use: 'Registration key `arcp agent register` sends as agent_key.' },
  {
    name: 'ADMIN_USERNAME',
    tool: 'arcp CLI, e2e suites',
    use: 'Admin account the CLI (`tail dashboard`, `token mint`) and the end-to-end suites log in with.',
  },
  { name: 'ADMIN_PASSWORD', tool: 'arcp CLI, e2e suites', secret: true, use: 'Password for that account.' },
  {
    name: 'JWT_SECRET',
    tool: 'arcp CLI, e2e suites, bench',
    secret: true,
    use: '`arcp token mint|check` sign and verify with it, as the registry does.',
  },
  { name: 'JWT_ALGORITHM', tool: 'arcp CLI', use: 'Algorithm `arcp token` signs with (HS256).' },
  { name: 'NO_COLOR', tool: 'arcp CLI', use: 'Any value turns colour off in the CLI output.' },
  { name: 'EDGE_PORT', tool: 'pnpm start:cluster', use: 'Port of the nginx edge of the local cluster (default 8001).' },
  { name: 'NATS_BIN_DIRS', tool: 'pnpm start:cluster, tests', use: 'Directories searched for nats-server after PATH.' },
  {
    name: 'NATS_URL',
    tool: 'tests, bench',
    use: 'A running NATS for the integration tests (else testcontainers, else nats-server on a free port).',
  },
  { name: 'ARCP_TEST_DOCKER', tool: 'tests', use: '0 skips Docker in the integration tests (NATS fixture and Docker-only tests).' },
  { name: 'ARCP_TEST_DOCKER_ANSWERS', tool: 'tests', use: 'Set by the test setup for the tests: 1 when a Docker engine answered.' },
  {
    name: 'ARCP_NATS_UNAVAILABLE',
    tool: 'tests',
    use: 'Set by the test setup when no NATS could be started (NATS tests then skip or fail under CI).',
  },
  { name: 'TESTCONTAINERS_RYUK_DISABLED', tool: 'tests', use: 'false lets testcontainers start its Ryuk reaper (off by default here).' },
  { name: 'CHROMIUM_PATH', tool: 'tests', use: 'Browser binary of the dashboard browser tests (default Debian chromium).' },
  {
    name: 'CI',
    tool: 'tests, pnpm test:deploy',
    use: 'true turns skips for a missing engine or browser into failures, and lets test:deploy set Docker up.',
  },
  {
    name: 'ARCP_COMPOSE',
    tool: 'pnpm test:deploy',
    use: 'Compose command to use (`docker compose` or `docker-compose`); found by default.',
  },
  { name: 'ARCP_DOCKER_SETUP', tool: 'pnpm test:deploy', use: 'Command that starts a Docker engine when none answers.' },
  { name: 'ARCP_DEPLOY_TAG', tool: 'pnpm test:deploy', use: 'Image tag of the test run (never the release tag).' },
  { name: 'ARCP_DEPLOY_VERBOSE', tool: 'pnpm test:deploy', use: '1 streams Docker output instead of printing it on failure.' },
  {
    name: 'ARCP_IMAGE_PREFIX',
    tool: 'compose, pnpm test:deploy',
    use: 'Image name prefix (default arcp): images are <prefix>/<service>:<ARCP_VERSION>.',
  },
  { name: 'ARCP_VERSION', tool: 'compose', use: 'Image tag compose runs (default this repository version).' },
  { name: 'ARCP_EDGE_PORT', tool: 'compose', use: 'Host port of the nginx edge (default 8001).' },
  { name: 'PROMETHEUS_PORT', tool: 'compose', use: 'Host port of Prometheus (default 9090).' },
  { name: 'GRAFANA_PORT', tool: 'compose', use: 'Host port of Grafana (default 3000).' },
  { name: 'GRAFANA_ADMIN_PASSWORD', tool: 'compose', secret: true, use: 'Grafana admin password (required by compose).' },
  { name: 'DOCKER_BUILDKIT', tool: 'pnpm test:deploy', use: '0 builds the images without BuildKit.' },
  { name: 'ARCP_FUZZ_RUNS', tool: 'tests', use: 'Runs of the frame fuzzing test (default 150).' },
  {
    name: 'FEED_MODE',
    tool: 'pnpm bench',
    use: 'Set by the benchmark for its feeder process, like the other FEED_* and BENCH_* variables.',
  },
  { name: 'FEED_SUBJECT', tool: 'pnpm bench', use: 'Set by the benchmark for its feeder process.' },
  { name: 'FEED_BUCKET', tool: 'pnpm bench', use: 'Set by the benchmark for its feeder process.' },
  { name: 'FEED_KEYS', tool: 'pnpm bench', use: 'Set by the benchmark for its feeder process.' },
  { name: 'FEED_MAX_S', tool: 'pnpm bench', use: 'Set by the benchmark for its feeder process.' },
  { name: 'BENCH_PROBE_FILE', tool: 'pnpm bench', use: 'Set by the benchmark for its probed servers.' },
  { name: 'BENCH_FORWARD_SUBJECT', tool: 'pnpm bench', use: 'Set by the benchmark for its baseline servers.' },
  { name: 'FLOOR_PORT', tool: 'pnpm bench', use: 'Set by the benchmark for its raw-uWS floor server (0: any free port).' },
  {
    name: 'FLOOR_FRAME_BYTES',
    tool: 'pnpm bench',
    use: 'Set by the benchmark: the size of the frames its raw-uWS floor server publishes.',
  },
  { name: 'BASELINE_CHANNEL', tool: 'pnpm bench', use: 'Set by the benchmark for its baseline servers.' },
];

interface Row {
  name: string;
  readers: string[];
  docs: Array<{ doc: EnvDoc; services: string[] }>;
}

function rows(): Row[] {
  const byName = new Map<string, Row>();
  for (const [service, schema] of serviceSchemas()) {
    for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      const doc = ENV_DOCS.get(field);
      if (!doc) throw new Error(`${service}: ${name} is not built with an env helper (service-kit config), so it has no reference entry`);
      const row = byName.get(name) ?? { name, readers: [], docs: [] };
      row.readers.push(service);
      const same = row.docs.find((d) => JSON.stringify(d.doc) === JSON.stringify(doc));
      if (same) same.services.push(service);
      else row.docs.push({ doc, services: [service] });
      byName.set(name, row);
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

const cell = (s: string) => s.replace(/\|/g, '\\|');
const code = (s: string | undefined) => (s === undefined || s === '' ? '' : `\`${s}\``);

/** A column that differs between services is written per service. */
function column(row: Row, pick: (d: EnvDoc) => string): string {
  const values = row.docs.map((d) => ({ value: pick(d.doc), services: d.services }));
  if (new Set(values.map((v) => v.value)).size === 1) return values[0]!.value;
  return values.map((v) => `${v.services.join(', ')}: ${v.value || '-'}`).join('<br>');
}

/** Who reads a variable, with the gateways folded into one word when all three do. */
function readers(list: readonly string[]): string {
  const gateways = CHANNEL_NAMES.map(gatewayService);
  if (gateways.every((g) => list.includes(g))) return [...list.filter((s) => !gateways.includes(s as never)), 'gateways'].join(', ');
  return list.join(', ');
}

export function renderConfigReference(): string {
  const out: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated by `pnpm config:docs` from the zod config schemas; do not edit by hand. -->',
    '',
    'Every service reads its configuration from environment variables, validated before anything',
    'starts. Empty values count as unset. Why each variable exists is commented beside it in its',
    "schema (`packages/service-kit/src/config.ts` for the shared ones, each service's `config.ts`,",
    '`packages/gateway/src/channel-env.ts` for the `<CHANNEL>_WS_*` limits). Secrets are never',
    'printed, logged or echoed in an error. `.env.example` lists what compose and `pnpm start` use.',
    '',
    '`gateways` means the three gateway services (`gateway-public`, `gateway-agents`,',
    "`gateway-dashboard`); `standalone` is `pnpm start`, which reads every service's variables.",
    '',
    '## Exit status',
    '',
    'A service that cannot start writes one line on stderr and exits with:',
    '',
    '| status | meaning |',
    '|---|---|',
    `| ${EXIT_CONFIG} | invalid configuration: the line names each bad variable, its value (a secret's length only) and the rule, e.g. \`ARCP_PORT=abc: must be an integer from 0 to 65535\` |`,
    `| ${EXIT_NATS_UNREACHABLE} | NATS did not answer within \`NATS_CONNECT_TIMEOUT_S\`: the line names \`NATS_URL\` (each wait before it is logged as \`waiting for NATS\`) |`,
    `| ${EXIT_STARTUP_FAILED} | anything else, a port already taken among them (the line names the port and the variables that set it) |`,
    '',
    '## Service variables',
    '',
    '| variable | type | default | range | read by | secret |',
    '|---|---|---|---|---|---|',
  ];
  for (const row of rows()) {
    const secret = row.docs.some((d) => d.doc.secret) ? 'yes' : '';
    out.push(
      `| \`${row.name}\` | ${cell(column(row, (d) => d.type))} | ${cell(column(row, (d) => code(d.default)))} | ${cell(column(row, (d) => d.range ?? ''))} | ${readers(row.readers)} | ${secret} |`,
    );
  }
  out.push(
    '',
    '## Tool variables',
    '',
    'Read by the tools around the product, never by a service.',
    '',
    '| variable | read by | secret | use |',
    '|---|---|---|---|',
  );
  for (const v of TOOL_VARIABLES) out.push(`| \`${v.name}\` | ${v.tool} | ${v.secret ? 'yes' : ''} | ${cell(v.use)} |`);
  return `${out.join('\n')}\n`;
}
