/**
 * `arcp genconfig`: a `.env` with fresh secrets for every deployment mode (`pnpm start` through
 * `arcp`/`set -a`, docker compose reads it as is). Refuses to replace an existing file unless
 * `--force`; the file is private to its owner (0600) and the secrets are never printed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { COMMON_HELP, str, type Command } from '../args';
import { CliError } from '../io';

export function generateConfig(random: (n: number) => Buffer = randomBytes): string {
  const keys = [random(12).toString('hex'), random(12).toString('hex')].map((k) => `agent-key-${k}`);
  return [
    '# ARCP realtime settings, written by `arcp genconfig`. Keep this file secret.',
    '# HMAC key of every token (registry and the agents/dashboard gateways must share it).',
    `JWT_SECRET=${random(32).toString('base64url')}`,
    '# Operator login (POST /auth/login) and /dashboard/ws.',
    'ADMIN_USERNAME=ARCP',
    `ADMIN_PASSWORD=${random(18).toString('base64url')}`,
    '# Agent registration keys, comma-separated; each backs one live agent at a time.',
    `AGENT_KEYS=${keys.join(',')}`,
    '# Grafana admin password (docker compose).',
    `GRAFANA_ADMIN_PASSWORD=${random(18).toString('base64url')}`,
    '',
  ].join('\n');
}

export const genconfig: Command = {
  name: 'genconfig',
  summary: 'write a .env with fresh secrets (JWT_SECRET, ADMIN_PASSWORD, AGENT_KEYS, ...)',
  help: `Usage: arcp genconfig [--out FILE] [--force]

Writes JWT_SECRET, ADMIN_USERNAME, ADMIN_PASSWORD, AGENT_KEYS and GRAFANA_ADMIN_PASSWORD with
fresh random values to FILE (default ./.env, mode 0600). docker compose reads it as is; for
\`pnpm start\` export it first (set -a; . ./.env; set +a). The values are not printed.

Options:
  -o, --out FILE      where to write (default .env)
  -f, --force         replace an existing file
${COMMON_HELP}`,
  options: { out: { type: 'string', short: 'o' }, force: { type: 'boolean', short: 'f' } },
  async run(args, io) {
    const path = resolve(io.cwd, str(args, 'out') ?? '.env');
    if (existsSync(path) && !args.values.force) throw new CliError(`${path} already exists (use --force to replace it)`);
    writeFileSync(path, generateConfig(), { mode: 0o600 });
    io.stdout.write(`wrote ${path}: JWT_SECRET, ADMIN_USERNAME, ADMIN_PASSWORD, AGENT_KEYS, GRAFANA_ADMIN_PASSWORD\n`);
    return 0;
  },
};
