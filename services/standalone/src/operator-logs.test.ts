/**
 * What an operator reads while the whole product serves (as `pnpm start` runs it, logs captured
 * from the real logger): info lines for registrations, unregistrations, logins and socket
 * opens/closes with the client address, audit lines for refused tokens, debug lines along the
 * socket auth step, request ids tying responses to log lines, and never a secret or a token.
 */
import { createLogger } from '@arcp/service-kit';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { startStandalone, type Standalone } from './standalone';

const ADMIN_PASSWORD = 'operator-logs-admin-password-7';
const AGENT_KEY = 'operator-logs-agent-key-0123456789';
const JWT_SECRET = 'operator-logs-jwt-secret-'.padEnd(48, 'q');

let product: Standalone;
let base: string;
let text = '';
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      text += chunk.toString('utf8');
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  product = await startStandalone({
    env: {
      ARCP_HOST: '127.0.0.1',
      ARCP_PORT: '0',
      OPS_HOST: '127.0.0.1',
      OPS_PORT: '0',
      ADMIN_PASSWORD,
      JWT_SECRET,
      AGENT_KEYS: AGENT_KEY,
    },
    logger: createLogger({ service: 'arcp', level: 'debug', destination: sink }),
  });
  base = `http://127.0.0.1:${product.port}`;
}, 30_000);

afterAll(async () => {
  await product?.stop();
});

async function post(path: string, body: unknown, token?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      connection: 'close',
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

/** Resolves with the frames received once `until` says the socket got what it waits for. */
function openSocket(path: string, first: string, until: (frames: string[]) => boolean): Promise<{ ws: WebSocket; frames: string[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${product.port}${path}`);
  const frames: string[] = [];
  return new Promise((resolve, reject) => {
    ws.on('open', () => ws.send(first));
    ws.on('message', (data: Buffer) => {
      frames.push(data.toString());
      if (until(frames)) resolve({ ws, frames });
    });
    ws.on('error', reject);
  });
}

function closed(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    ws.once('close', () => resolve());
    ws.close();
  });
}

const waitForLine = async (pred: (l: Record<string, unknown>) => boolean, what: string) => {
  const deadline = Date.now() + 5000;
  while (!lines.some(pred)) {
    if (Date.now() > deadline) throw new Error(`no log line: ${what}`);
    await new Promise((r) => setImmediate(r));
  }
};

describe('operator logs of the whole product', () => {
  const tokens: string[] = [];

  it('log the agent flow, a login, sockets and refusals with client addresses and request ids, never a secret', async () => {
    const temp = (await (
      await post('/auth/agent/request_temp_token', { agent_id: 'log-agent', agent_type: 'testing', agent_key: AGENT_KEY })
    ).json()) as { temp_token: string };
    tokens.push(temp.temp_token);
    const registration = {
      agent_id: 'log-agent',
      name: 'Log Agent',
      agent_type: 'testing',
      endpoint: 'https://agents.example.com/log',
      context_brief: 'Registers, connects and leaves while the test reads the logs',
      capabilities: ['logging'],
      owner: 'Test',
      public_key: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvX',
      metadata: { purpose: 'logging' },
      version: '1.0.0',
      communication_mode: 'remote',
    };
    const registered = await post('/agents/register', registration, temp.temp_token, { 'x-request-id': 'reg-1' });
    expect([registered.status, registered.status === 200 ? '' : await registered.text()]).toEqual([200, '']);
    expect(registered.headers.get('x-request-id')).toBe('reg-1');
    const access = ((await registered.json()) as { access_token: string }).access_token;
    tokens.push(access);
    const admin = ((await (await post('/auth/login', { username: 'ARCP', password: ADMIN_PASSWORD })).json()) as { access_token: string })
      .access_token;
    tokens.push(admin);

    // Sockets: an agent and a dashboard authenticate, then close.
    const agentSocket = await openSocket('/agents/ws', JSON.stringify({ token: access }), (f) => f.some((x) => x.startsWith('[')));
    const dashboard = await openSocket('/dashboard/ws', JSON.stringify({ type: 'auth', token: admin }), (f) => f.length >= 1);
    await closed(agentSocket.ws);
    await closed(dashboard.ws);

    // Refusals: a wrong password and a forged token, each with its request id in the audit line.
    const refused = await post('/auth/login', { username: 'ARCP', password: 'not-the-password' }, undefined, {
      'x-request-id': 'login-bad',
    });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { request_id: string }).request_id).toBe('login-bad');
    const forged = await fetch(`${base}/agents`, {
      headers: { connection: 'close', authorization: `Bearer ${access}x`, 'x-request-id': 'forged-1' },
    });
    expect(forged.status).toBe(401);

    // A known path with the wrong method is 405 with Allow.
    const wrong = await fetch(`${base}/auth/login`, { method: 'PUT', headers: { connection: 'close', 'x-request-id': 'put-1' } });
    expect([wrong.status, wrong.headers.get('allow'), wrong.headers.get('x-request-id')]).toEqual([405, 'POST', 'put-1']);
    expect(await wrong.json()).toMatchObject({ status: 405, request_id: 'put-1', instance: '/auth/login' });

    const gone = await fetch(`${base}/agents/log-agent`, {
      method: 'DELETE',
      headers: { connection: 'close', authorization: `Bearer ${access}` },
    });
    expect(gone.status).toBe(200);

    await waitForLine((l) => l.msg === 'socket closed' && l.channel === 'dashboard', 'dashboard socket closed');
    const info = (msg: string, fields: Record<string, unknown>) =>
      expect(lines).toContainEqual(expect.objectContaining({ level: 30, msg, client_ip: '127.0.0.1', ...fields }));
    info('temporary registration token issued', { agent_id: 'log-agent' });
    info('agent registered', { agent_id: 'log-agent', agent_type: 'testing', request_id: 'reg-1' });
    info('admin logged in', { username: 'ARCP' });
    info('agent unregistered on request', { agent_id: 'log-agent' });
    for (const channel of ['agents', 'dashboard']) {
      info('socket opened', { channel });
      info('socket closed', { channel, authenticated: true });
    }
    expect(lines).toContainEqual(
      expect.objectContaining({ audit: 'login_failed', reason: 'bad_password', client_ip: '127.0.0.1', request_id: 'login-bad' }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ audit: 'token_rejected', client_ip: '127.0.0.1', request_id: 'forged-1' }));
    for (const msg of ['socket waiting for its auth message', 'auth message received, verifying', 'socket authenticated']) {
      expect(lines).toContainEqual(expect.objectContaining({ level: 20, msg, channel: 'agents', client_ip: '127.0.0.1' }));
    }
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 20, msg: 'HTTP request', route: 'unmatched', status: 405, request_id: 'put-1' }),
    );

    // Never a secret or a token, in any form the product handled.
    expect(tokens).toHaveLength(3);
    for (const secret of [ADMIN_PASSWORD, AGENT_KEY, JWT_SECRET, ...tokens, ...tokens.map((t) => t.split('.')[2] ?? t)]) {
      expect(text).not.toContain(secret);
    }
  }, 30_000);
});
