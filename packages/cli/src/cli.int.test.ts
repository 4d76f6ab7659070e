/**
 * `arcp` against the real standalone product: health, the agent flow, tails of the three
 * channels (pretty and --json, refusals as one line), and the real executable as `pnpm arcp`
 * runs it, interrupted with Ctrl-C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { arcp } from './test-support/run';
import { startServer } from './test-support/server';

const ROOT = resolve(__dirname, '../../..');
let server: Awaited<ReturnType<typeof startServer>>;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startServer();
  // What a user's shell or .env would give the command line.
  env = {
    ARCP_URL: server.url,
    JWT_SECRET: server.env.JWT_SECRET!,
    ADMIN_USERNAME: server.env.ADMIN_USERNAME!,
    ADMIN_PASSWORD: server.env.ADMIN_PASSWORD!,
  };
});
afterAll(async () => {
  await server?.stop();
});

const key = (i: number) => server.env.AGENT_KEYS!.split(',')[i]!;

describe('arcp against a server', () => {
  it('health: 0 and one line when healthy, 1 and one line when unreachable', async () => {
    const ok = await arcp(['health'], { env });
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^healthy http:\/\/127\.0\.0\.1:\d+ ARCP Registry 2\.1\.2 · storage memory connected · agents \d+ alive/);
    expect(JSON.parse((await arcp(['health', '--json'], { env })).out)).toMatchObject({ status: 'healthy' });
    const down = await arcp(['health', '--url', 'http://127.0.0.1:1'], { env });
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/^arcp: GET \/health: .+\n$/);
  });

  it('agent register → heartbeat → unregister, with problem details on failure', async () => {
    const id = `cli-agent-${Date.now().toString(36)}`;
    const reg = await arcp(['agent', 'register', '--id', id, '--type', 'testing', '--key', key(0), '--capabilities', 'scan,report'], {
      env,
    });
    expect(reg.code).toBe(0);
    const token = reg.out.trim();
    expect(token.split('.')).toHaveLength(3);
    const hb = await arcp(['agent', 'heartbeat', '--id', id, '--token', token], { env });
    expect(hb).toMatchObject({ code: 0, out: expect.stringContaining(`${id} alive, last_seen`) });
    const un = await arcp(['agent', 'unregister', '--id', id, '--json'], { env: { ...env, ARCP_TOKEN: token } });
    expect(JSON.parse(un.out)).toMatchObject({ status: 'success', unregistered_by: 'agent (self)' });
    const after = await arcp(['agent', 'heartbeat', '--id', id, '--token', token], { env });
    expect(after).toMatchObject({ code: 1, err: 'arcp: 401 Token has been revoked\n' });
    const badKey = await arcp(['agent', 'register', '--id', `${id}-x`, '--type', 'testing', '--key', 'wrong-key-000000'], { env });
    expect(badKey).toMatchObject({ code: 1, err: 'arcp: 401 Authentication failed: Invalid agent registration key\n' });
    expect((await arcp(['agent', 'register', '--type', 'testing', '--key', key(0)], { env })).code).toBe(2);
  });

  it('tail public --json prints one frame per line, welcome first', async () => {
    const r = await arcp(['tail', 'public', '--json', '--count', '2'], { env });
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines).toHaveLength(2);
    expect(lines[0]!.type).toBe('welcome');
    expect(['stats_update', 'agents_update']).toContain(lines[1]!.type);
    expect(r.err).toContain('open ws://127.0.0.1');
  });

  it('tail agents authenticates with a minted token and prints the handshake and the list', async () => {
    const token = (await arcp(['token', 'mint', '--agent', 'cli-watcher'], { env })).out.trim();
    const r = await arcp(['tail', 'agents', '--token', token, '--count', '3'], { env });
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('\u001b[');
    const types = r.out
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[1]);
    expect(types).toEqual(['auth_required', 'auth_success', 'agent_list']);
  });

  it('tail dashboard logs in with ADMIN_PASSWORD, and refuses an agent token with a one-line 4003', async () => {
    const r = await arcp(['tail', 'dashboard', '--json', '--count', '1'], { env });
    expect(r.code).toBe(0);
    expect(['monitoring', 'health', 'agents', 'logs', 'alert']).toContain((JSON.parse(r.out) as { type: string }).type);
    const token = (await arcp(['token', 'mint', '--agent', 'not-an-admin'], { env })).out.trim();
    const refused = await arcp(['tail', 'dashboard', '--token', token], { env });
    expect(refused).toMatchObject({
      code: 1,
      err: expect.stringMatching(/arcp: tail dashboard: authentication refused: 4003 Admin role required\n$/),
    });
  });

  it('runs as `pnpm arcp` from the repository root without a build', () => {
    const r = spawnSync('pnpm', ['-s', 'arcp', '--help'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: arcp <command> [options]');
  });

  it('stops a tail cleanly on Ctrl-C (exit 0)', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=@arcp/source', '--import', 'tsx', resolve(ROOT, 'packages/cli/src/main.ts'), 'tail', 'public'],
      {
        cwd: ROOT,
        env: { ...process.env, ...env, INIT_CWD: '/tmp' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // Wakes on the output that holds the welcome frame (the test's timeout bounds the wait).
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('welcome')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`arcp tail exited (${code}) before the welcome frame: ${out}`)));
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toMatch(/\d\d:\d\d:\d\d welcome +Connected to ARCP Public API WebSocket/);
  }, 30_000);
});
