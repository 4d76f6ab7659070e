/**
 * `arcp tail public|agents|dashboard`: follow a channel through the SDK, so it reconnects by the
 * close codes and re-authenticates on resume like any client. Frames go to stdout (pretty, or
 * one JSON document per line with --json); connection states go to stderr.
 */
import {
  AgentsChannel,
  ArcpHttp,
  DashboardChannel,
  PublicChannel,
  type AgentsFrame,
  type ChannelClient,
  type DashboardFrame,
  type PublicFrame,
  type TokenSource,
} from '@arcp/client';
import WebSocket from 'ws';
import { baseUrl, COMMON_HELP, str, URL_HELP, URL_OPTION, type Command, type Parsed } from '../args';
import { formatFrame, formatState } from '../format';
import { CliError, painter, UsageError, type CliIO } from '../io';

type Env = Record<string, string | undefined>;
const CHANNELS = ['public', 'agents', 'dashboard'] as const;
type ChannelName = (typeof CHANNELS)[number];
type AnyFrame = PublicFrame | AgentsFrame | DashboardFrame;

function dashboardToken(args: Parsed, env: Env, http: ArcpHttp): TokenSource {
  const token = str(args, 'token') ?? env.ARCP_TOKEN;
  if (token) return token;
  const user = str(args, 'user') ?? env.ADMIN_USERNAME ?? 'ARCP';
  const password = env.ADMIN_PASSWORD;
  if (!password) throw new UsageError('tail dashboard: --token (or ARCP_TOKEN), or ADMIN_PASSWORD to log in, is required');
  // A login per connect: every resume authenticates with a fresh admin token.
  return async () => (await http.login(user, password)).access_token;
}

function open(name: ChannelName, args: Parsed, env: Env, url: string): ChannelClient<AnyFrame> {
  const http = new ArcpHttp(url);
  const common = { url: http.channelUrl(`/${name}/ws`), WebSocket, reconnect: args.values['no-reconnect'] ? (false as const) : {} };
  if (name === 'public') return new PublicChannel(common);
  if (name === 'agents') {
    const token = str(args, 'token') ?? env.ARCP_TOKEN;
    if (!token) throw new UsageError('tail agents: --token (an agent access token) or ARCP_TOKEN is required');
    return new AgentsChannel({ ...common, token });
  }
  return new DashboardChannel({ ...common, token: dashboardToken(args, env, http) });
}

function countOf(args: Parsed): number {
  const raw = str(args, 'count');
  if (raw === undefined) return Infinity;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`tail: --count must be a positive integer, got "${raw}"`);
  return n;
}

export const tail: Command = {
  name: 'tail',
  summary: 'follow a channel live (public, agents or dashboard), reconnecting as needed',
  help: `Usage: arcp tail public|agents|dashboard [options]

Prints every frame of the channel as it arrives; reconnects with backoff when the server drains
(4200), restarts or drops the connection, and stops with an error on refused or revoked
credentials. Connection changes are printed to stderr. Colour only on a terminal (NO_COLOR off).

Options:
      --json          one JSON frame per line (for pipes and jq)
      --count N       exit after N frames
      --token TOKEN   agents: an agent access token; dashboard: an admin token (or ARCP_TOKEN)
      --user NAME     dashboard without --token: log in as NAME (default ADMIN_USERNAME or ARCP)
                      with ADMIN_PASSWORD from the environment or .env, again on every reconnect
      --no-reconnect  stop at the first close
${URL_HELP}
${COMMON_HELP}`,
  options: {
    ...URL_OPTION,
    json: { type: 'boolean' },
    count: { type: 'string' },
    token: { type: 'string' },
    user: { type: 'string' },
    'no-reconnect': { type: 'boolean' },
  },
  positionals: [1, 1],
  async run(args, io: CliIO, env) {
    const name = args.positionals[0] as ChannelName;
    if (!CHANNELS.includes(name)) throw new UsageError(`tail: channel must be public, agents or dashboard, got "${name}"`);
    const limit = countOf(args);
    const channel = open(name, args, env, baseUrl(args, env));
    const out = painter(io.stdout, io.env);
    const err = painter(io.stderr, io.env);
    channel.on('state', (s) => io.stderr.write(`${formatState(s, err)}\n`));
    let seen = 0;
    const done = new Promise<void>((resolve) => {
      channel.on('frame', (frame) => {
        if (seen >= limit) return;
        seen += 1;
        // --json prints the wire: the agents channel's list as the bare array the server sends.
        const wire = frame.type === 'agent_list' ? frame.agents : frame;
        io.stdout.write(args.values.json ? `${JSON.stringify(wire)}\n` : formatFrame(frame, out));
        if (seen >= limit) resolve();
      });
      channel.on('state', (s) => s.state === 'closed' && resolve());
      void io.interrupted?.then(resolve);
    });
    channel.connect().catch(() => {
      // The closed state carries the error; it is reported below.
    });
    await done;
    const error = channel.error;
    await channel.close();
    if (error) throw new CliError(`tail ${name}: ${error.message}`);
    return 0;
  },
};
