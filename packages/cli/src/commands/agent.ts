/**
 * `arcp agent register|heartbeat|unregister`: the agent flow of the registry from a shell, through
 * the SDK's HTTP helper. Register runs temp token → register and prints the access token (so
 * `TOKEN=$(arcp agent register ...)` works); the others take that token.
 */
import { ArcpHttp, type ArcpHttpError } from '@arcp/client';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { baseUrl, COMMON_HELP, need, str, URL_HELP, URL_OPTION, type Command, type Parsed } from '../args';
import { CliError, UsageError } from '../io';

type Env = Record<string, string | undefined>;

const tokenOf = (args: Parsed, env: Env, cmd: string): string => {
  const token = str(args, 'token') ?? env.ARCP_TOKEN;
  if (!token) throw new UsageError(`${cmd}: --token is required (or ARCP_TOKEN)`);
  return token;
};

function registrationBody(args: Parsed, cwd: string): Record<string, unknown> {
  const file = str(args, 'file');
  let body: Record<string, unknown> = {};
  if (file !== undefined) {
    try {
      body = JSON.parse(readFileSync(resolve(cwd, file), 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new CliError(`cannot read registration ${file}: ${(err as Error).message}`);
    }
  }
  const id = str(args, 'id') ?? (body.agent_id as string | undefined);
  const type = str(args, 'type') ?? (body.agent_type as string | undefined);
  if (!id) throw new UsageError('agent register: --id is required (or agent_id in --file)');
  if (!type) throw new UsageError('agent register: --type is required (or agent_type in --file)');
  const caps = str(args, 'capabilities');
  return {
    name: id.slice(0, 32),
    endpoint: 'http://localhost:8010',
    capabilities: ['general'],
    context_brief: `Agent ${id}, registered with the arcp command line`,
    version: '1.0.0',
    owner: 'arcp-cli',
    public_key: 'arcp-cli-placeholder-public-key-0000000000',
    communication_mode: 'remote',
    metadata: { registered_by: 'arcp-cli' },
    ...body,
    agent_id: id,
    agent_type: type,
    ...(str(args, 'name') ? { name: str(args, 'name') } : {}),
    ...(str(args, 'endpoint') ? { endpoint: str(args, 'endpoint') } : {}),
    ...(caps
      ? {
          capabilities: caps
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean),
        }
      : {}),
  };
}

/** `ArcpHttpError` → one line with the problem detail. */
export function httpFailure(err: unknown): never {
  const e = err as ArcpHttpError;
  if (e?.name === 'ArcpHttpError') throw new CliError(`${e.status} ${e.problem?.detail ?? e.problem?.title ?? 'request failed'}`);
  throw new CliError((err as Error).message);
}

const print = (args: Parsed, io: { stdout: { write(s: string): unknown } }, json: unknown, text: string) =>
  io.stdout.write(args.values.json ? `${JSON.stringify(json)}\n` : `${text}\n`);

export const agentRegister: Command = {
  name: 'agent register',
  summary: 'register an agent (temp token → register) and print its access token',
  help: `Usage: arcp agent register --id ID --type TYPE --key AGENT_KEY [options]

Options:
      --id ID             agent id
      --type TYPE         agent type (one of the server's ALLOWED_AGENT_TYPES)
      --key KEY           agent registration key (or ARCP_AGENT_KEY)
      --name NAME         display name (default: the id)
      --endpoint URL      the agent's endpoint (default http://localhost:8010)
      --capabilities A,B  capabilities (default general)
      --file FILE         a registration body (JSON); flags override its fields
      --json              print the registry's whole answer as JSON
${URL_HELP}
${COMMON_HELP}`,
  options: {
    ...URL_OPTION,
    id: { type: 'string' },
    type: { type: 'string' },
    key: { type: 'string' },
    name: { type: 'string' },
    endpoint: { type: 'string' },
    capabilities: { type: 'string' },
    file: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io, env) {
    const body = registrationBody(args, io.cwd);
    const key = str(args, 'key') ?? env.ARCP_AGENT_KEY;
    if (!key) throw new UsageError('agent register: --key is required (or ARCP_AGENT_KEY)');
    const http = new ArcpHttp(baseUrl(args, env));
    const temp = await http.requestTempToken(String(body.agent_id), String(body.agent_type), key).catch(httpFailure);
    const done = await http.registerAgent(temp.temp_token, body as never).catch(httpFailure);
    print(args, io, done, done.access_token);
    return 0;
  },
};

export const agentHeartbeat: Command = {
  name: 'agent heartbeat',
  summary: 'send one heartbeat for an agent',
  help: `Usage: arcp agent heartbeat --id ID --token TOKEN [--json]

Options:
      --id ID         agent id
      --token TOKEN   the agent's access token (or ARCP_TOKEN)
      --json          print the registry's answer as JSON
${URL_HELP}
${COMMON_HELP}`,
  options: { ...URL_OPTION, id: { type: 'string' }, token: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io, env) {
    const id = need(args, 'id', 'agent heartbeat');
    const answer = await new ArcpHttp(baseUrl(args, env)).heartbeat(tokenOf(args, env, 'agent heartbeat'), id).catch(httpFailure);
    print(args, io, answer, `${answer.agent_id} alive, last_seen ${answer.last_seen}`);
    return 0;
  },
};

export const agentUnregister: Command = {
  name: 'agent unregister',
  summary: 'unregister an agent (revokes its tokens)',
  help: `Usage: arcp agent unregister --id ID --token TOKEN [--json]

The token is the agent's own, or an admin token (\`arcp token mint --admin\`).

Options:
      --id ID         agent id
      --token TOKEN   the agent's access token or an admin token (or ARCP_TOKEN)
      --json          print the registry's answer as JSON
${URL_HELP}
${COMMON_HELP}`,
  options: { ...URL_OPTION, id: { type: 'string' }, token: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io, env) {
    const id = need(args, 'id', 'agent unregister');
    const answer = await new ArcpHttp(baseUrl(args, env)).unregisterAgent(tokenOf(args, env, 'agent unregister'), id).catch(httpFailure);
    print(args, io, answer, answer.message);
    return 0;
  },
};
