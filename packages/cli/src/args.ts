/**
 * Commands as data: name, one-line summary, help text and `node:util.parseArgs` options, so
 * `--help` works on every command and a mistyped option is a usage error of one line.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type CliIO } from './io';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Usage and option lines shown by `--help`. */
  readonly help: string;
  readonly options: Options;
  /** How many positionals it takes: [min, max]. */
  readonly positionals?: readonly [number, number];
  run(args: Parsed, io: CliIO, env: Record<string, string | undefined>): Promise<number>;
}

/** Options every command accepts. */
export const COMMON: Options = {
  help: { type: 'boolean', short: 'h' },
  'env-file': { type: 'string' },
};

export const URL_OPTION: Options = { url: { type: 'string', short: 'u' } };
export const URL_HELP = '  -u, --url URL       server base URL (env ARCP_URL, default http://localhost:8001)';
export const COMMON_HELP = '      --env-file FILE read variables from FILE instead of ./.env\n  -h, --help          show this help';

export function parse(cmd: Command, argv: readonly string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...COMMON, ...cmd.options }, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs explains how to pass a positional starting with "-"; the first sentence is enough.
    throw new UsageError(`${cmd.name}: ${(err as Error).message.split('\n')[0]!.replace(/\. .*$/, '.')}`);
  }
  const [min, max] = cmd.positionals ?? [0, 0];
  if (!parsed.values.help && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    throw new UsageError(`${cmd.name}: expected ${min === max ? min : `${min}-${max}`} argument(s), got ${parsed.positionals.length}`);
  }
  return { values: parsed.values as Parsed['values'], positionals: parsed.positionals };
}

export function str(args: Parsed, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function need(args: Parsed, name: string, cmd: string): string {
  const v = str(args, name);
  if (v === undefined || v === '') throw new UsageError(`${cmd}: --${name} is required`);
  return v;
}

export function baseUrl(args: Parsed, env: Record<string, string | undefined>): string {
  const url = str(args, 'url') ?? env.ARCP_URL ?? 'http://localhost:8001';
  if (!/^https?:\/\/[^\s/]+/.test(url)) throw new UsageError(`--url must be an http(s) URL, got "${url}"`);
  return url.replace(/\/+$/, '');
}
