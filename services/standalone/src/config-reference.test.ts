/**
 * The configuration reference cannot drift: docs/configuration.md is what the generator writes
 * from the schemas, every variable the code reads is in a schema or in the tool list, and
 * `.env.example` covers every variable docker-compose.yml substitutes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderConfigReference, serviceSchemas, TOOL_VARIABLES } from './config-reference';

const ROOT = resolve(__dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Set by the system, the shell or pnpm; no ARCP setting. */
const SYSTEM = new Set(['PATH', 'HOME', 'TERM', 'INIT_CWD', 'NODE_ENV']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs)$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

/** Names read as `process.env.X`, `process.env['X']`, `env.X` or `env['X']` anywhere in the code. */
function variablesTheCodeReads(): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = /\benv(?:\.([A-Z][A-Z0-9_]+)\b|\[['"]([A-Z][A-Z0-9_]+)['"]\])/g;
  for (const top of ['packages', 'services']) {
    for (const pkg of readdirSync(join(ROOT, top))) {
      const src = join(ROOT, top, pkg, 'src');
      try {
        statSync(src);
      } catch {
        continue;
      }
      for (const file of sourceFiles(src)) {
        for (const m of readFileSync(file, 'utf8').matchAll(pattern)) found.set((m[1] ?? m[2])!, file.slice(ROOT.length + 1));
      }
    }
  }
  return found;
}

const serviceVariables = new Set(serviceSchemas().flatMap(([, schema]) => Object.keys(schema.shape)));
const toolVariables = new Set(TOOL_VARIABLES.map((v) => v.name));

describe('configuration reference', () => {
  it('docs/configuration.md is what `pnpm config:docs` writes', () => {
    expect(read('docs/configuration.md')).toBe(renderConfigReference());
  });

  it('lists every variable the code reads', () => {
    const reads = variablesTheCodeReads();
    expect(reads.size).toBeGreaterThan(20);
    const missing = [...reads].filter(([name]) => !serviceVariables.has(name) && !toolVariables.has(name) && !SYSTEM.has(name));
    expect(missing).toEqual([]);
  });

  it('marks the secrets', () => {
    const doc = read('docs/configuration.md');
    for (const name of ['JWT_SECRET', 'ADMIN_PASSWORD', 'AGENT_KEYS'])
      expect(doc).toMatch(new RegExp(`^\\| \`${name}\` \\|.*\\| yes \\|$`, 'm'));
    expect(doc).toMatch(/^\| `ARCP_PORT` \| integer \| `8001` \| from 0 to 65535 \| standalone \| {2}\|$/m);
  });
});

describe('.env.example', () => {
  const example = read('.env.example');
  const entries = new Map([...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));

  it('has every variable docker-compose.yml substitutes', () => {
    const compose = new Set([...read('docker-compose.yml').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
    expect(compose.size).toBeGreaterThan(5);
    expect([...compose].filter((name) => !entries.has(name))).toEqual([]);
  });

  it('names only known variables and leaves every secret empty', () => {
    expect([...entries.keys()].filter((name) => !serviceVariables.has(name) && !toolVariables.has(name))).toEqual([]);
    const secrets = ['JWT_SECRET', 'ADMIN_PASSWORD', 'AGENT_KEYS', 'GRAFANA_ADMIN_PASSWORD'];
    for (const name of secrets) expect([name, entries.get(name)]).toEqual([name, '']);
  });
});
