/**
 * Startup failures as an operator meets them: the real entry points, spawned as `pnpm start`
 * runs them, end with exactly one line on stderr naming the variable, its value (never a
 * secret's) and the rule, and an exit status telling the kind apart (docs/configuration.md).
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { freePort, ROOT, serviceEntry } from '@arcp/cluster';
import { EXIT_CONFIG, EXIT_NATS_UNREACHABLE } from '@arcp/service-kit';

interface Ended {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a service entry point to its end with `env` on top of a clean environment. */
function runToExit(service: string, env: Record<string, string>): Promise<Ended> {
  const child = spawn(process.execPath, ['--conditions=@arcp/source', '--import', 'tsx', serviceEntry(service)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', OPS_PORT: '0', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);
const secret = 'a-jwt-secret-of-at-least-32-characters!';

describe('standalone: a bad variable is one line and exit status 2', () => {
  it.each([
    [{ ARCP_PORT: 'abc' }, 'arcp: invalid configuration: ARCP_PORT=abc: must be an integer from 0 to 65535'],
    [{ LOG_LEVEL: 'verbose' }, 'arcp: invalid configuration: LOG_LEVEL=verbose: must be one of fatal, error, warn, info, debug, trace'],
    [
      { AGENT_KEYS: 'abc' },
      'arcp: invalid configuration: AGENT_KEYS=<hidden, 3 characters>: must be comma-separated keys of 10 to 200 characters each, no spaces (agents send one as agent_key)',
    ],
  ])('%j', async (env, line) => {
    const ended = await runToExit('standalone', { ARCP_PORT: '0', ...env });
    expect(lines(ended.stderr)).toEqual([line]);
    expect(ended.status).toBe(EXIT_CONFIG);
    expect(ended.stdout).toBe('');
  });

  it('a port already taken is one line naming ARCP_PORT, exit status 1', async () => {
    const port = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '0.0.0.0', resolve));
    try {
      const ended = await runToExit('standalone', { ARCP_PORT: String(port), JWT_SECRET: secret });
      const stderr = lines(ended.stderr);
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toMatch(new RegExp(`^arcp: .*${port}.*\\(ARCP_PORT, ARCP_HOST\\)$`));
      expect(ended.status).toBe(1);
    } finally {
      holder.close();
    }
  });
});

describe('registry service', () => {
  it('a bad variable is one line and exit status 2, every problem named', async () => {
    const ended = await runToExit('registry', { REGISTRY_PORT: 'abc', JWT_SECRET: 'short', NATS_URL: 'nats://127.0.0.1:1' });
    expect(lines(ended.stderr)).toEqual([
      'registry: invalid configuration: JWT_SECRET=<hidden, 5 characters>: must be at least 32 characters; REGISTRY_PORT=abc: must be an integer from 0 to 65535',
    ]);
    expect(ended.status).toBe(EXIT_CONFIG);
  });

  it('an unreachable NATS is retried for NATS_CONNECT_TIMEOUT_S, logged, then one line naming NATS_URL, exit status 3', async () => {
    const closed = await freePort();
    const url = `nats://127.0.0.1:${closed}`;
    const ended = await runToExit('registry', { NATS_URL: url, NATS_CONNECT_TIMEOUT_S: '2', JWT_SECRET: secret, REGISTRY_PORT: '0' });
    const stderr = lines(ended.stderr);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(new RegExp(`^registry: cannot reach NATS at NATS_URL=${url} after 2 s \\(NATS_CONNECT_TIMEOUT_S\\): \\S`));
    expect(ended.status).toBe(EXIT_NATS_UNREACHABLE);
    const waits = lines(ended.stdout)
      .map((l) => JSON.parse(l) as { msg: string; nats_url?: string })
      .filter((l) => l.msg === 'waiting for NATS');
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits[0]?.nats_url).toBe(url);
  });
});
