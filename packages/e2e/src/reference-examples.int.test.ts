/**
 * Conformance: the ARCP WebSocket guide's JavaScript and Python examples, copied unchanged into
 * packages/e2e/reference-examples/, run as real clients against the standalone product, and the
 * test asserts on what they print.
 *
 * The only adaptations (applied by `adaptSource` to a temporary copy, or by the runner):
 *  (a) `localhost:8001` → the test server's `127.0.0.1:<port>`;
 *  (b) the placeholders `your-jwt-token-here` / `your-admin-jwt-token` → a real agent / admin JWT;
 *  (c) examples that would run for 30–120 s (custom client, reconnecting client) or that need a
 *      token the guide leaves commented out (tester) lose their trailing top-level
 *      `asyncio.run(...)`; a short driver appended below the example runs the example's own
 *      classes with short timeouts instead. `handle_message_safely` is a bare function, so a
 *      driver feeds it real frames; the snippet uses `json` without importing it (it relies on
 *      the page's earlier imports), so its driver imports `json` first;
 *  (d) the JavaScript examples are written for a browser page: harness/browser-globals.js
 *      (preloaded) provides a browser-like `WebSocket` (the `ws` package; an exception in an
 *      `on*` handler is reported as "Uncaught ..." and the socket carries on, as in a browser)
 *      and the dashboard page's functions (`updateMonitoringData`, ...), which print the frame
 *      they were handed. JavaScript examples never end by themselves: the test stops each one
 *      once the expected lines are printed (or at its deadline).
 * Python examples use `from arcp import ARCPClient`: reference-examples/arcp is a clean-room
 * client replaying the original's calls. They need Debian's /usr/bin/python3 with
 * python3-websockets (.ci/run installs it); without it they are skipped locally and fail in CI.
 */
import { idsOf } from './context';
import { loginAdmin, registerAgent } from './http';
import {
  adaptSource,
  pythonStatus,
  runNodeExample,
  runPythonExample,
  Workspace,
  type Adaptation,
  type ExampleRun,
  type RunOptions,
} from './reference-examples-run';
import { startStandaloneProduct, type Topology } from './topology';
import { TestClient } from './ws-client';

/** The agent key the guide's agent example registers with. */
const GUIDE_AGENT_KEY = 'test-agent-001';

let topo: Topology;
let address: string;
let workspace: Workspace;
let keyIndex = 0;
let agentIndex = 0;

beforeAll(async () => {
  topo = await startStandaloneProduct((env) => ({
    AGENT_KEYS: `${env.AGENT_KEYS},${GUIDE_AGENT_KEY}`,
    // Frequent stats and idle pings, so examples that wait for them finish in a second or two.
    // The ping comes first, so the tester sees one among its first three frames.
    PUBLIC_WS_INTERVAL: '0.5',
    PUBLIC_WS_PING_INTERVAL: '0.2',
  }));
  address = new URL(topo.http).host;
  workspace = new Workspace();
}, 60_000);

afterAll(async () => {
  workspace?.cleanup();
  await topo?.stop();
});

/** A freshly registered agent (one suite key each) and its access token. */
async function freshAgent(): Promise<{ agentId: string; token: string }> {
  const key = topo.agentKeys[keyIndex++];
  if (!key || key === GUIDE_AGENT_KEY) throw new Error('out of agent keys');
  const agentId = `ref-example-${++agentIndex}`;
  const agent = await registerAgent(topo.http, agentId, key);
  return { agentId, token: agent.accessToken };
}

function admin(): Promise<string> {
  return loginAdmin(topo.http, topo.env.ADMIN_USERNAME!, topo.env.ADMIN_PASSWORD!);
}

function runJs(file: string, adaptation: Omit<Adaptation, 'address'>, opts: RunOptions): Promise<ExampleRun> {
  return runNodeExample(workspace.write(file, adaptSource(file, { address, ...adaptation })), opts);
}

const python = pythonStatus();
const requirePython = python.ok || process.env.CI === 'true';
if (!python.ok && !requirePython) console.warn(`reference examples: Python examples skipped: ${python.reason}`);
const describePython = requirePython ? describe : describe.skip;

function runPy(file: string, adaptation: Omit<Adaptation, 'address'>, opts: RunOptions): Promise<ExampleRun> {
  if (!python.ok) throw new Error(`Python examples need Debian's python3-websockets: ${python.reason}`);
  return runPythonExample(workspace.write(file, adaptSource(file, { address, ...adaptation })), opts);
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

/** The fields of the first frame a dashboard page function printed (`[page] fn(a, b, ...)`). */
function pageFields(stdout: string, fn: string): string[] {
  const line = new RegExp(`\\[page\\] ${fn}\\(([^)]*)\\)`).exec(stdout);
  return line ? line[1]!.split(', ') : [];
}

describe('reference guide examples: JavaScript', () => {
  test('public-websocket.js: welcome, features and stats; the plain-text pong is not JSON', async () => {
    const run = await runJs('public-websocket.js', {}, { timeoutMs: 10_000, until: (out) => out.includes('System stats:') });
    expect(run.stdout).toContain('Connected to public WebSocket');
    expect(run.stdout).toContain('Welcome message: Connected to ARCP Public API WebSocket');
    expect(run.stdout).toMatch(
      /Available features: \[\s*'agent_updates',\s*'public_stats',\s*'discovery_events',\s*'paginated_discovery'\s*\]/,
    );
    expect(run.stdout).toMatch(/System stats: \{[^}]*total_agents/);
    // `ws.send('ping')` is answered with the text "pong", which the example's JSON.parse rejects.
    expect(run.stderr).toMatch(/Uncaught SyntaxError: .*"pong" is not valid JSON/);
    expect(run.stopped).toBe(true);
  }, 20_000);

  test('agent-websocket.js: auth_required, auth_success, then the bare agent list', async () => {
    const agent = await freshAgent();
    const run = await runJs(
      'agent-websocket.js',
      { tokens: { 'your-jwt-token-here': agent.token } },
      { timeoutMs: 10_000, until: (out) => out.includes(agent.agentId) },
    );
    expect(run.stdout).toContain('Connected to agent WebSocket');
    expect(run.stdout).toContain('Authentication required');
    expect(run.stdout).toContain('Agent authentication successful');
    expect(run.stdout).toMatch(/Agent message: \[\s*\{/);
    expect(run.stdout).toContain(`agent_id: '${agent.agentId}'`);
    // The agent registered just before is in the first list the example prints.
    expect(run.stdout.slice(0, run.stdout.indexOf(agent.agentId)).split('Agent message:')).toHaveLength(2);
    expect(run.stdout + run.stderr).not.toContain('Authentication failed');
    expect(run.stopped).toBe(true);
  }, 20_000);

  test('dashboard-websocket.js: the initial burst reaches every page function', async () => {
    const token = await admin();
    const page = ['updateMonitoringData', 'updateHealthStatus', 'updateAgentsData', 'updateLogsDisplay'];
    const run = await runJs(
      'dashboard-websocket.js',
      { tokens: { 'your-admin-jwt-token': token } },
      { timeoutMs: 10_000, until: (out) => page.every((f) => out.includes(`[page] ${f}(`)) },
    );
    expect(run.stdout).toContain('Connected to dashboard WebSocket');
    // Each page function gets the frame's `data`, with the fields the guide documents.
    expect(pageFields(run.stdout, 'updateMonitoringData')).toEqual(
      expect.arrayContaining(['total_requests', 'avg_response_time', 'error_rate', 'agent_count', 'resource_utilization', 'agent_metrics']),
    );
    expect(pageFields(run.stdout, 'updateHealthStatus')).toEqual(expect.arrayContaining(['status', 'reason', 'components']));
    expect(pageFields(run.stdout, 'updateAgentsData')).toEqual(
      expect.arrayContaining(['agents', 'total_count', 'active_count', 'agent_types', 'status_summary']),
    );
    expect(pageFields(run.stdout, 'updateLogsDisplay')).toEqual(expect.arrayContaining(['logs', 'count', 'last_updated']));
    expect(run.stdout).not.toContain('Unknown dashboard message type');
    expect(run.stopped).toBe(true);
  }, 20_000);
});

describePython(`reference guide examples: Python${python.ok ? '' : ` (${python.reason})`}`, () => {
  test('public_websocket_example.py: welcome, discovery, stats, ten messages', async () => {
    const run = await runPy('public_websocket_example.py', {}, { timeoutMs: 15_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Connecting to public WebSocket...');
    expect(run.stdout).toContain('Message 1: welcome\n  Welcome: Connected to ARCP Public API WebSocket');
    expect(run.stdout).toContain("  Features: ['agent_updates', 'public_stats', 'discovery_events', 'paginated_discovery']");
    expect(run.stdout).toMatch(/Message 2: discovery_data\n {2}Discovery: \d+ total agents/);
    expect(run.stdout).toMatch(/Message \d+: stats_update\n {2}System stats: \d+ agents\n {2}Alive agents: \d+/);
    expect(run.stdout).toContain('Received 10 messages');
  }, 20_000);

  test('agent_websocket_example.py: registers, authenticates and lists agents on every directory change', async () => {
    // The agents channel pushes a new list only when the directory changes: each list the example
    // prints, up to its fifth, is answered by registering another agent.
    let lists = 0;
    const registrations: Array<Promise<unknown>> = [];
    const run = await runPy(
      'agent_websocket_example.py',
      {},
      {
        timeoutMs: 20_000,
        onStdout: (out) => {
          for (const seen = count(out, '  Received agent list with '); lists < seen;) {
            lists += 1;
            if (lists < 5) registrations.push(freshAgent().catch((err: unknown) => err));
          }
        },
      },
    );
    expect((await Promise.all(registrations)).filter((r) => r instanceof Error)).toEqual([]);
    expect(registrations).toHaveLength(4);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Agent registered successfully: my-agent-001');
    expect(run.stdout).toContain('Connecting to agent WebSocket...');
    expect(count(run.stdout, '  Received agent list with ')).toBe(5);
    // The agent the example registered itself is in the first list it prints.
    const firstList = run.stdout.slice(run.stdout.indexOf('  Received agent list with '));
    expect(firstList.slice(0, firstList.indexOf('Agent message', 1))).toMatch(/ {4}- Agent: my-agent-001 \(alive\)/);
    expect(run.stdout).toMatch(/Agent message 5: \[/);
    expect(run.stdout).toContain('Received 5 agent messages');
  }, 30_000);

  test('custom_client.py: public pong, welcome and stats; connect_agent authenticates, then trips on the bare list', async () => {
    const agent = await freshAgent();
    const driver = `
import os

async def drive():
    client = ARCPWebSocketClient("http://localhost:8001")
    # Listen until the second stats_update: the pong to the ping sent on connect is in by then.
    stats = []
    second_stats = asyncio.Event()
    handle_message = client.handle_message
    async def counting(message):
        await handle_message(message)
        if message.get("type") == "stats_update":
            stats.append(message)
            if len(stats) == 2:
                second_stats.set()
    client.handle_message = counting
    listening = asyncio.create_task(client.connect_public())
    await asyncio.wait_for(second_stats.wait(), 5)
    await client.disconnect()
    await asyncio.wait_for(listening, 5)

    agent_client = ARCPWebSocketClient("http://localhost:8001", token=os.environ["ARCP_AGENT_TOKEN"])
    try:
        await asyncio.wait_for(agent_client.connect_agent(), 5)
    except AttributeError as err:
        print(f"connect_agent stopped: AttributeError: {err}")
    finally:
        await agent_client.disconnect()

asyncio.run(drive())
`;
    const run = await runPy(
      'custom_client.py',
      { dropAsyncioRun: true, driver },
      { timeoutMs: 15_000, env: { ARCP_AGENT_TOKEN: agent.token } },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Received pong');
    expect(run.stdout).toContain('Unknown message type: welcome');
    expect(run.stdout).toMatch(/Stats update: \d+ agents\n {3}Alive: \d+\n {3}Dead: \d+/);
    expect(run.stdout).toContain('Agent WebSocket authenticated');
    // Known (README, protocol notes): handle_message calls .get() on the bare agent list.
    expect(run.stdout).toContain("connect_agent stopped: AttributeError: 'list' object has no attribute 'get'");
  }, 20_000);

  test('reconnecting_client.py: connects, handles frames, reconnects after its socket closes', async () => {
    const driver = `
async def drive():
    client = ReconnectingWebSocketClient("ws://localhost:8001/public/ws")
    # The socket each stats_update arrived on, in order.
    stats_on = asyncio.Queue()
    handle_message = client.handle_message
    async def noting(message):
        await handle_message(message)
        if message.get("type") == "stats_update":
            stats_on.put_nowait(client.websocket)
    client.handle_message = noting
    task = client.start()
    first = await asyncio.wait_for(stats_on.get(), 5)
    print("driver: closing the socket")
    await first.close()
    while await asyncio.wait_for(stats_on.get(), 5) is first:
        pass
    client.stop()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

asyncio.run(drive())
`;
    const run = await runPy('reconnecting_client.py', { dropAsyncioRun: true, driver }, { timeoutMs: 15_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [before, after = ''] = run.stdout.split('driver: closing the socket');
    for (const part of [before!, after]) {
      expect(part).toContain('WebSocket connected');
      expect(part).toContain('Message: welcome');
      expect(part).toContain('Message: stats_update');
    }
    expect(run.stdout).not.toContain('WebSocket error');
  }, 20_000);

  test('websocket_tester.py: public ping/pong succeeds; agent test authenticates before failing on the bare list', async () => {
    // The tester reads three frames and wants the ping among them, so no agents_update may reach
    // it. The agents of earlier tests never heartbeat: each turns dead in the gateway's view in
    // turn (an agents_update each). Once an update lists this test's agent alone, none is left to
    // turn, and this one's own update has gone out.
    const observer = await TestClient.open(topo.ws.public[0]!);
    await observer.nextType('welcome');
    const agent = await freshAgent();
    await observer.next((f) => (f.json as { type?: string })?.type === 'agents_update' && idsOf(f.json).join() === agent.agentId, {
      timeoutMs: 10_000,
      what: "an agents_update listing this test's agent alone",
    });
    observer.ws.close();
    const driver = `
import os

async def drive():
    tester = WebSocketTester("http://localhost:8001")
    await tester.test_public_websocket()
    await tester.test_agent_websocket(os.environ["ARCP_AGENT_TOKEN"])
    tester.print_results()

asyncio.run(drive())
`;
    const run = await runPy(
      'websocket_tester.py',
      { dropAsyncioRun: true, driver },
      { timeoutMs: 15_000, env: { ARCP_AGENT_TOKEN: agent.token } },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Received message: welcome');
    expect(run.stdout).toContain('Responded to ping with pong');
    expect(run.stdout).toContain('Ping/pong successful');
    expect(run.stdout).toContain('Agent WebSocket authentication successful');
    const results = run.stdout.slice(run.stdout.indexOf('WebSocket Test Results:'));
    expect(results).toContain('public_websocket: message_received - success');
    expect(results).toContain('public_websocket: ping_pong - success');
    expect(results).not.toContain('public_websocket: connection - failed');
    // Known (README, protocol notes): the tester calls .get() on the bare agent list.
    expect(results).toMatch(/agent_websocket: authentication - success\nagent_websocket: connection - failed/);
    expect(run.stdout).toContain("Agent WebSocket test failed: 'list' object has no attribute 'get'");
  }, 20_000);

  test('websocket_pool.py: five requests over three pooled connections', async () => {
    const run = await runPy('websocket_pool.py', {}, { timeoutMs: 15_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // The first frame on each connection is the welcome; later ones answer earlier pings.
    for (const i of [1, 2, 3]) expect(run.stdout).toMatch(new RegExp(`Request ${i}: \\{"type":"welcome"`));
    for (const i of [4, 5]) expect(run.stdout).toMatch(new RegExp(`Request ${i}: (pong|\\{)`));
  }, 20_000);

  test('check_token.py: an invalid token makes validate_token raise, as the original client does', async () => {
    const run = await runPy('check_token.py', {}, { timeoutMs: 15_000 });
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('Token valid');
    expect(run.stderr).toContain('arcp.ARCPError: Unexpected error: Authentication failed - invalid or expired token');
  }, 20_000);

  test('handle_message_safely.py: parses JSON frames and maps the plain-text pong and ping', async () => {
    // The snippet uses json without importing it (the page imported it earlier): import it here.
    const driver = `
import asyncio
import json
import websockets

async def drive():
    async with websockets.connect("ws://localhost:8001/public/ws") as ws:
        await ws.send("ping")
        seen = set()
        for _ in range(10):
            raw = await asyncio.wait_for(ws.recv(), 5)
            data = await handle_message_safely(raw)
            print(f"handled: {data.get('type')}")
            seen.add(data.get("type"))
            if {"welcome", "pong", "ping"} <= seen:
                break

asyncio.run(drive())
`;
    const run = await runPy('handle_message_safely.py', { driver }, { timeoutMs: 15_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('handled: welcome');
    expect(run.stdout).toContain('handled: pong');
    expect(run.stdout).toContain('handled: ping');
  }, 20_000);
});
