/**
 * The `arcp` dispatcher: finds the command (`token mint`, `tail`, ...), parses its options,
 * prints `--help`, and turns every failure into one line on stderr with an exit code: 0 done,
 * 1 failed (server said no, unreachable, invalid token), 2 usage mistake.
 */
import { ArcpError } from '@arcp/client';
import { parse, type Command } from './args';
import { agentHeartbeat, agentRegister, agentUnregister } from './commands/agent';
import { genconfig } from './commands/genconfig';
import { health } from './commands/health';
import { tail } from './commands/tail';
import { tokenCheck, tokenMint } from './commands/token';
import { CliError, loadEnv, UsageError, type CliIO } from './io';

export const VERSION = '0.1.0';

export const COMMANDS: readonly Command[] = [
  genconfig,
  tokenMint,
  tokenCheck,
  agentRegister,
  agentHeartbeat,
  agentUnregister,
  tail,
  health,
];
const GROUPS = ['token', 'agent'];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return `Usage: arcp <command> [options]

ARCP realtime from the command line: configuration, tokens, the agent flow, live channels.

Commands:
${lines.join('\n')}

Run \`arcp <command> --help\` for a command's options. Settings are read from the environment,
then from ./.env (what \`arcp genconfig\` writes): JWT_SECRET, ADMIN_USERNAME, ADMIN_PASSWORD,
ARCP_URL (default http://localhost:8001), ARCP_TOKEN.
`;
}

function groupHelp(group: string): string {
  const lines = COMMANDS.filter((c) => c.name.startsWith(`${group} `)).map((c) => `  arcp ${c.name.padEnd(18)}${c.summary}`);
  return `Usage: arcp ${group} <command> [options]\n\n${lines.join('\n')}\n`;
}

function find(argv: readonly string[]): { cmd?: Command; rest: readonly string[]; group?: string } {
  const [first, second] = argv;
  if (first !== undefined && GROUPS.includes(first)) {
    const cmd = COMMANDS.find((c) => c.name === `${first} ${second}`);
    return cmd ? { cmd, rest: argv.slice(2) } : { group: first, rest: argv.slice(1) };
  }
  return { cmd: COMMANDS.find((c) => c.name === first), rest: argv.slice(1) };
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    const [first] = argv;
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      io.stdout.write(overview());
      return first === undefined ? 2 : 0;
    }
    if (first === '--version' || first === '-V') {
      io.stdout.write(`${VERSION}\n`);
      return 0;
    }
    const { cmd, rest, group } = find(argv);
    if (!cmd && group) {
      if (rest.length === 0 || rest[0] === '--help' || rest[0] === '-h') {
        io.stdout.write(groupHelp(group));
        return rest.length === 0 ? 2 : 0;
      }
      throw new UsageError(`unknown command "${group} ${rest[0]}"`);
    }
    if (!cmd) throw new UsageError(`unknown command "${first}"`);
    const args = parse(cmd, rest);
    if (args.values.help) {
      io.stdout.write(`${cmd.help}\n`);
      return 0;
    }
    const envFile = typeof args.values['env-file'] === 'string' ? args.values['env-file'] : undefined;
    return await cmd.run(args, io, loadEnv(io.cwd, io.env, envFile));
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`arcp: ${err.message} (see arcp --help)\n`);
      return 2;
    }
    if (err instanceof CliError || err instanceof ArcpError) {
      io.stderr.write(`arcp: ${err.message}\n`);
      return 1;
    }
    io.stderr.write(`arcp: unexpected error: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}
