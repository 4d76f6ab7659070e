/**
 * Property-based fuzzing of inbound frames on every channel of the whole product (registry,
 * metrics service and the three gateways on one uWS app, as `pnpm start` runs them): whatever a
 * client sends, before or after authenticating, the process stays up, every frame it answers is
 * one the channel's catalog (`WS_API`) defines, every close uses a documented close code, and no
 * socket goes silent: a JSON ping after the fuzzed frames is answered or the socket was closed.
 */
import { createLogger } from '@arcp/service-kit';
import { CLOSE_CODE_INFO, WS_API, type ChannelName } from '@arcp/protocol';
import fc from 'fast-check';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { startStandalone, type Standalone } from './standalone';

const ADMIN_PASSWORD = 'fuzz-admin-password-123';
const AGENT_KEY = 'fuzz-agent-key-0123456789';
const RUNS = Number(process.env.ARCP_FUZZ_RUNS ?? 150);

let product: Standalone;
let base: string;
let adminToken: string;
let agentToken: string;
const logLines: Array<Record<string, unknown>> = [];

/** One HTTP request on its own connection (`agent: false`), so no keep-alive socket outlives the test. */
function call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      ...(payload ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
    const req = request(`${base}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }),
      );
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function post(path: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const res = await call('POST', path, body, token);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
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
      JWT_SECRET: 'f'.repeat(48),
      AGENT_KEYS: AGENT_KEY,
      // Generous frame rates, so the fuzzed frames reach the channel logic instead of the flood guard.
      PUBLIC_WS_RATE_PER_S: '10000',
      PUBLIC_WS_RATE_BURST: '10000',
      AGENT_WS_RATE_PER_S: '10000',
      AGENT_WS_RATE_BURST: '10000',
      DASHBOARD_WS_RATE_PER_S: '10000',
      DASHBOARD_WS_RATE_BURST: '10000',
      PUBLIC_WS_MAX_PER_ADDRESS: '1000',
      AGENT_WS_MAX_PER_ADDRESS: '1000',
      DASHBOARD_WS_MAX_PER_ADDRESS: '1000',
      HTTP_RATE_PER_S: '10000',
      HTTP_RATE_BURST: '10000',
    },
    logger: createLogger({ service: 'fuzz', level: 'warn', destination: sink }),
  });
  base = `http://127.0.0.1:${product.port}`;
  adminToken = (await post('/auth/login', { username: 'ARCP', password: ADMIN_PASSWORD }))['access_token'] as string;
  const temp = (await post('/auth/agent/request_temp_token', { agent_id: 'fuzz-agent', agent_type: 'testing', agent_key: AGENT_KEY }))[
    'temp_token'
  ] as string;
  const registered = await post(
    '/agents/register',
    {
      agent_id: 'fuzz-agent',
      name: 'Fuzz Agent',
      agent_type: 'testing',
      endpoint: 'https://agents.example.com/fuzz',
      context_brief: 'Receives arbitrary frames from a property-based test',
      capabilities: ['fuzzing'],
      owner: 'Test',
      public_key: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvX',
      metadata: { purpose: 'fuzzing' },
      version: '1.0.0',
      communication_mode: 'remote',
    },
    temp,
  );
  agentToken = registered['access_token'] as string;
}, 30_000);

afterAll(async () => {
  await product?.stop();
});

/** The frames of the catalog a channel's server may send, as a check over received text. */
function serverFrameCheck(channel: ChannelName): (text: string) => boolean {
  const spec = WS_API.find((c) => c.name === channel)!;
  const texts = new Set(spec.fromServer.flatMap((m) => (m.text !== undefined ? [m.text] : [])));
  const schemas = spec.fromServer.flatMap((m) => (m.schema ? [m.schema] : []));
  return (text) => {
    if (texts.has(text)) return true;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return false;
    }
    return schemas.some((s) => s.safeParse(value).success);
  };
}

const DOCUMENTED_CLOSES = new Set(CLOSE_CODE_INFO.map((c) => c.code));

const clientTypes = [...new Set(WS_API.flatMap((c) => c.fromClient.map((m) => m.name))), 'auth', 'get_discovery', 'subscribe', ''];

/** A frame as a client might send it: the catalog's types with arbitrary members, any JSON, any text, binary. */
const frameArb: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc
    .record(
      {
        type: fc.oneof(fc.constantFrom(...clientTypes), fc.string(), fc.integer(), fc.constant(null)),
        data: fc.oneof(
          fc.jsonValue(),
          fc.record(
            {
              page: fc.integer(),
              page_size: fc.integer(),
              message: fc.string(),
              level: fc.string(),
              alerts: fc.array(fc.jsonValue(), { maxLength: 3 }),
            },
            { requiredKeys: [] },
          ),
        ),
        token: fc.oneof(fc.string(), fc.constant('x.y.z'), fc.integer()),
        page: fc.oneof(fc.integer(), fc.string(), fc.double()),
        page_size: fc.oneof(fc.integer(), fc.string()),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('ping', ' PING ', 'pong', '{"type":"ping"}', '{"type":"pong"}', '[]', 'null', '{}', '{"type":"get_discovery","page":-1}'),
  fc.uint8Array({ minLength: 1, maxLength: 64 }),
);

interface Outcome {
  received: string[];
  binary: number;
  close?: { code: number; reason: string };
  answeredBarrier: boolean;
}

/** Sends `frames` (after authenticating when `auth` is given), then a JSON ping barrier. */
function exchange(channel: ChannelName, auth: string | undefined, frames: ReadonlyArray<string | Uint8Array>): Promise<Outcome> {
  const path = WS_API.find((c) => c.name === channel)!.path;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${product.port}${path}`);
    const out: Outcome = { received: [], binary: 0, answeredBarrier: false };
    let barrierSent = false;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(
        new Error(`${channel}: no answer to the ping barrier and no close within 5 s; received ${JSON.stringify(out.received.slice(-5))}`),
      );
    }, 5000);
    const finish = () => {
      clearTimeout(timer);
      resolve(out);
    };
    const sendAll = () => {
      for (const f of frames) if (ws.readyState === WebSocket.OPEN) ws.send(f, { binary: typeof f !== 'string' });
      if (ws.readyState === WebSocket.OPEN) {
        barrierSent = true;
        ws.send('{"type":"ping"}');
      }
    };
    let authed = auth === undefined;
    ws.on('open', () => {
      if (auth !== undefined) ws.send(auth);
      if (channel === 'public') sendAll();
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) out.binary += 1;
      const text = data.toString();
      out.received.push(text);
      if (
        !authed &&
        (text.includes('"auth_success"') ||
          text.includes('"type":"agents"') ||
          text.includes('"type":"monitoring"') ||
          text.includes('"type":"alert"'))
      ) {
        authed = true;
        sendAll();
      }
      if (barrierSent && /"type":\s*"pong"/.test(text)) {
        out.answeredBarrier = true;
        ws.close(1000);
      }
    });
    ws.on('close', (code, reason) => {
      out.close = { code, reason: reason.toString() };
      finish();
    });
    ws.on('error', () => {});
    // The dashboard sends nothing on auth failure and the agents channel sends auth_required
    // first: when the handshake is fuzzed (no auth given), send at once.
    if (auth === undefined && channel !== 'public') ws.on('open', () => sendAll());
  });
}

const authFrame: Record<ChannelName, () => string | undefined> = {
  public: () => undefined,
  agents: () => JSON.stringify({ token: agentToken }),
  dashboard: () => JSON.stringify({ type: 'auth', token: adminToken }),
};

describe.each(['public', 'agents', 'dashboard'] as const)('fuzzed frames on %s', (channel) => {
  const valid = serverFrameCheck(channel);

  it('every answer is a catalog frame, every close a documented code, and no socket goes silent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(frameArb, { minLength: 1, maxLength: 8 }), async (authenticate, frames) => {
        const out = await exchange(channel, authenticate ? authFrame[channel]!() : undefined, frames);
        expect(out.binary).toBe(0);
        for (const text of out.received)
          expect({ frame: text.slice(0, 300), valid: valid(text) }).toEqual({ frame: text.slice(0, 300), valid: true });
        expect(out.answeredBarrier || (out.close !== undefined && DOCUMENTED_CLOSES.has(out.close.code))).toBe(true);
        if (out.close && !out.answeredBarrier) expect(DOCUMENTED_CLOSES.has(out.close.code)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});

describe('after the fuzzing', () => {
  it('is still serving and logged no unhandled error', async () => {
    expect((await call('GET', '/health')).status).toBe(200);
    const out = await exchange('public', undefined, ['{"type":"get_discovery","page":1}']);
    expect(out.answeredBarrier).toBe(true);
    expect(JSON.parse(out.received[0]!)).toMatchObject({ type: 'welcome' });
    expect(logLines.filter((l) => (l['level'] as number) >= 50)).toEqual([]);
  });
});
