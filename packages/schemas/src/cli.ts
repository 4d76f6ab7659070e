/**
 * `pnpm schemas`: writes the generated documents to `schemas/` at the repository root (the
 * files users generate code from), removing files the generator no longer produces.
 * `pnpm schemas --check` writes nothing and exits 1 listing every file that differs.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { schemaFiles } from './documents';

export const SCHEMAS_DIR = resolve(__dirname, '../../../schemas');

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** Paths (relative to `dir`) whose content differs from the generator's, or that it no longer makes. */
export function drift(dir: string = SCHEMAS_DIR): string[] {
  const want = schemaFiles();
  const stale = listFiles(dir)
    .map((p) => relative(dir, p))
    .filter((p) => !(p in want));
  const changed = Object.entries(want)
    .filter(([p, text]) => !existsSync(join(dir, p)) || readFileSync(join(dir, p), 'utf8') !== text)
    .map(([p]) => p);
  return [...changed, ...stale].sort();
}

export function write(dir: string = SCHEMAS_DIR): number {
  const want = schemaFiles();
  for (const p of listFiles(dir)) if (!(relative(dir, p) in want)) rmSync(p);
  for (const [p, text] of Object.entries(want)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return Object.keys(want).length;
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const differ = drift();
    if (differ.length > 0) {
      process.stderr.write(`schemas/ is out of date (run pnpm schemas): ${differ.join(', ')}\n`);
      process.exit(1);
    }
    process.stdout.write('schemas/ is up to date\n');
  } else {
    process.stdout.write(`wrote ${write()} files to ${relative(process.cwd(), SCHEMAS_DIR) || '.'}\n`);
  }
}
