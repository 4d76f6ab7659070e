/**
 * The SDK against the real standalone product: every channel's handshake and frames, commands
 * and their acks, keep-alive, typed refusals (bad, expired and revoked credentials), the HTTP
 * helper's problem errors, and an agent session's life.
 */
import {
  AgentSession,
  AgentsChannel,
  ArcpAuthError,
  ArcpHttp,
  ArcpHttpError,
  ArcpReconnectFailedError,
  ArcpRevokedError,
  ArcpTokenExpiredError,
  DashboardChannel,
  PublicChannel,
  type StateChange,
} from './index';
import { registration, startTestServer, until, WebSocket, type TestServer } from './test-support/server';

let server: TestServer;
const open: Array<{ close(): Promise<void> }> = [];
const track = <T extends { close(): Promise<void> }>(c: T): T => (open.push(c), c);

beforeAll(async () => {
  server = await startTestServer({ AGENT_WS_PING_INTERVAL: '0.3' });
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

const fakeJwt = (claims: object) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
let n = 0;
const freshId = (tag: string) => `sdk-${tag}-${++n}-${Date.now().toString(36)}`;
const admin = async () => (await server.http.login(server.env.ADMIN_USERNAME!, server.env.ADMIN_PASSWORD!)).access_token;

describe('PublicChannel', () => {
  it('opens at the welcome frame and streams typed frames', async () => {
    const states: StateChange[] = [];
    const pub = track(new PublicChannel({ url: server.url('public'), WebSocket }));
    pub.on('state', (s) => states.push(s));
    const stats: number[] = [];
    pub.onFrame('stats_update', (f) => stats.push(f.data.total_agents));
    await pub.connect();
    expect(states.map((s) => s.state)).toEqual(['connecting', 'open']);
    await until(() => stats.length > 0, 'a stats_update frame');
    const page = await pub.getDiscovery({ page: 1, pageSize: 5 });
    expect(page.data.pagination).toMatchObject({ current_page: 1, page_size: 5 });
    expect((await pub.ping()).type).toBe('pong');
    expect(await pub.pingText()).toBeGreaterThanOrEqual(0);
  });

  it('sends its own JSON ping when the line is idle', async () => {
    const pub = track(new PublicChannel({ url: server.url('public'), WebSocket, keepAlive: { idleMs: 150, timeoutMs: 2000 } }));
    const pongs: number[] = [];
    pub.onFrame('pong', (p) => pongs.push(p.timestamp));
    await pub.connect();
    await until(() => pongs.length > 0, 'a pong for the keep-alive ping', 5000);
    expect(pub.state).toBe('open');
  });

  it('iterates frames with for await and closes the channel when the loop ends', async () => {
    const pub = new PublicChannel({ url: server.url('public'), WebSocket });
    const seen: string[] = [];
    for await (const frame of pub) {
      seen.push(frame.type);
      if (frame.type === 'stats_update') break;
    }
    expect(seen[0]).toBe('welcome');
    expect(pub.state).toBe('closed');
    expect(pub.error).toBeUndefined();
  });

  it('moves on to the next URL when one does not answer, and gives up after maxAttempts', async () => {
    const dead = 'ws://127.0.0.1:1/public/ws';
    const states: StateChange[] = [];
    const pub = track(
      new PublicChannel({ url: [dead, server.url('public')], WebSocket, reconnect: { initialDelayMs: 50, maxDelayMs: 100 } }),
    );
    pub.on('state', (s) => states.push(s));
    await pub.connect();
    expect(states.map((s) => [s.state, s.code ?? null])).toEqual([
      ['connecting', null],
      ['reconnecting', 1006],
      ['open', null],
    ]);
    expect(states.at(-1)!.url).toBe(server.url('public'));

    const never = track(new PublicChannel({ url: dead, WebSocket, reconnect: { initialDelayMs: 20, maxDelayMs: 40, maxAttempts: 2 } }));
    await expect(never.connect()).rejects.toBeInstanceOf(ArcpReconnectFailedError);
    expect(never.error).toMatchObject({ attempts: 2, lastCode: 1006 });
  });

  it('refuses to send before it is open, and says why', () => {
    const pub = new PublicChannel({ url: server.url('public'), WebSocket });
    expect(() => pub.send({ type: 'ping' })).toThrow(/channel is idle/);
  });
});

describe('AgentSession and AgentsChannel', () => {
  it('registers, heartbeats, streams the agent list and unregisters', async () => {
    const id = freshId('life');
    const session = await AgentSession.start({
      http: server.http,
      agentKey: server.agentKey(0),
      registration: registration(id),
      heartbeatIntervalMs: 100,
    });
    const beats: string[] = [];
    session.on('heartbeat', (b) => beats.push(b.agent_id));
    const agents = track(new AgentsChannel({ url: server.url('agents'), WebSocket, token: session.tokenSource, keepAlive: false }));
    const lists: string[][] = [];
    agents.onFrame('agent_list', (f) => lists.push(f.agents.map((a) => a.agent_id)));
    const texts: string[] = [];
    agents.on('text', (t) => texts.push(t));
    await agents.connect();
    await until(() => lists.some((l) => l.includes(id)), 'the agent in an agent list');
    await until(() => beats.length >= 2, 'two heartbeats');
    // A silent client gets the server's text ping (AGENT_WS_PING_INTERVAL): the SDK answers it.
    await until(() => texts.filter((t) => t === 'ping').length >= 2, 'two server pings', 5000);
    expect(agents.state).toBe('open');
    const other = freshId('other');
    const second = await AgentSession.start({ http: server.http, agentKey: server.agentKey(1), registration: registration(other) });
    await until(() => lists.some((l) => l.includes(other)), 'the second agent in a list');
    await second.stop();
    // Unregistering revokes the first agent's token: its socket closes with 4009, for good.
    const closed = new Promise<StateChange>((r) => agents.on('state', (s) => s.state === 'closed' && r(s)));
    await session.stop();
    const end = await closed;
    expect(end.error).toBeInstanceOf(ArcpRevokedError);
    expect(end.code).toBe(4009);
  });

  it('rejects a refused token with ArcpAuthError carrying the server message', async () => {
    const agents = track(new AgentsChannel({ url: server.url('agents'), WebSocket, token: 'not-a-real-token' }));
    const err = await agents.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArcpAuthError);
    expect((err as ArcpAuthError).reason).toBe('Invalid token');
    expect(agents.state).toBe('closed');
  });

  it('refuses an expired token locally, without sending it', async () => {
    const agents = track(
      new AgentsChannel({ url: server.url('agents'), WebSocket, token: fakeJwt({ exp: Math.floor(Date.now() / 1000) - 5 }) }),
    );
    await expect(agents.connect()).rejects.toBeInstanceOf(ArcpTokenExpiredError);
  });
});

describe('DashboardChannel', () => {
  it('authenticates, streams, and runs commands with their acks', async () => {
    const dash = track(new DashboardChannel({ url: server.url('dashboard'), WebSocket, token: admin }));
    const types = new Set<string>();
    dash.on('frame', (f) => types.add(f.type));
    await dash.connect();
    await until(() => types.has('agents') && types.has('logs'), 'the initial burst');
    expect((await dash.pause()).data).toEqual({ status: 'paused' });
    expect(dash.isPaused).toBe(true);
    expect((await dash.resumeMonitoring()).data).toEqual({ status: 'resumed' });
    expect((await dash.refresh()).data).toMatchObject({ status: 'completed' });
    expect((await dash.requestAgents()).type).toBe('agents_ack');
    expect((await dash.ping()).type).toBe('pong');
    dash.log('INFO', 'hello from the SDK test');
    await until(() => types.has('monitoring'), 'a monitoring frame');
  });

  it('stops with ArcpAuthError 4003 for a non-admin token and 4001 for a bad one', async () => {
    const session = await AgentSession.start({
      http: server.http,
      agentKey: server.agentKey(2),
      registration: registration(freshId('dash')),
    });
    const asAgent = track(new DashboardChannel({ url: server.url('dashboard'), WebSocket, token: session.token }));
    await expect(asAgent.connect()).rejects.toMatchObject({ name: 'ArcpAuthError', code: 4003 });
    await session.stop();
    const bad = track(new DashboardChannel({ url: server.url('dashboard'), WebSocket, token: 'nope' }));
    await expect(bad.connect()).rejects.toMatchObject({ name: 'ArcpAuthError', code: 4001 });
  });

  it('closes for good with ArcpRevokedError when the operator logs out', async () => {
    const token = await admin();
    const dash = track(new DashboardChannel({ url: server.url('dashboard'), WebSocket, token }));
    await dash.connect();
    const closed = new Promise<StateChange>((r) => dash.on('state', (s) => s.state === 'closed' && r(s)));
    await server.http.logout(token);
    expect((await closed).error).toBeInstanceOf(ArcpRevokedError);
  });
});

describe('ArcpHttp', () => {
  it('throws ArcpHttpError with the problem details', async () => {
    const err = await server.http.heartbeat('bad-token', 'nobody').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArcpHttpError);
    expect((err as ArcpHttpError).status).toBe(401);
    expect((err as ArcpHttpError).slug).toBe('token-invalid');
    const login = await server.http.login('admin', 'wrong').catch((e: unknown) => e);
    expect((login as ArcpHttpError).problem?.detail).toBe('Authentication failed: Invalid admin credentials');
  });

  it('reads the public API and reports unreachable servers as ArcpError', async () => {
    expect((await server.http.health()).status).toBe('healthy');
    expect((await server.http.agentTypes()).allowed_agent_types).toContain('testing');
    expect((await server.http.root()).docs).toBe('/docs');
    const nowhere = new ArcpHttp({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 2000 });
    await expect(nowhere.health()).rejects.toMatchObject({ name: 'ArcpError', message: expect.stringMatching(/GET \/health/) });
  });
});
