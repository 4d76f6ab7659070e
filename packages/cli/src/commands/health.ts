/** `arcp health`: the registry's `/health` in one line; exit 1 when degraded or unreachable. */
import { ArcpHttp } from '@arcp/client';
import { baseUrl, COMMON_HELP, URL_HELP, URL_OPTION, type Command } from '../args';
import { painter } from '../io';
import { httpFailure } from './agent';

export const health: Command = {
  name: 'health',
  summary: 'check a server: status, storage, agents',
  help: `Usage: arcp health [--url URL] [--json]

Exits 0 when the server reports healthy, 1 when it is degraded or cannot be reached.

Options:
      --json          print the whole /health answer as JSON
${URL_HELP}
${COMMON_HELP}`,
  options: { ...URL_OPTION, json: { type: 'boolean' } },
  async run(args, io, env) {
    const url = baseUrl(args, env);
    const h = await new ArcpHttp({ baseUrl: url, timeoutMs: 5000 }).health().catch(httpFailure);
    const ok = h.status === 'healthy';
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify(h)}\n`);
      return ok ? 0 : 1;
    }
    const p = painter(io.stdout, io.env);
    const a = h.agents;
    io.stdout.write(
      `${ok ? p.green(h.status) : p.red(h.status)} ${url} ${h.service} ${h.version} · storage ${h.storage.engine} ${h.storage.status} · agents ${a.alive_agents} alive / ${a.total_registered} registered\n`,
    );
    return ok ? 0 : 1;
  },
};
