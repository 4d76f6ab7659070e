/** The command line of `pnpm start:cluster`: `--name N` or `--name=N` counts. */

/** The positive integer given for `flag`, `fallback` when absent; throws on anything else. */
export function parseCount(argv: readonly string[], flag: string, fallback: number): number {
  const i = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (i < 0) return fallback;
  const raw = argv[i]!.includes('=') ? argv[i]!.slice(flag.length + 1) : argv[i + 1];
  const n = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isInteger(n) || n < 1)
    throw new Error(`${flag} needs a positive integer, got ${raw}`);
  return n;
}
