/**
 * The browser path: the SDK bundled for the browser (esbuild, platform "browser") pulls in no
 * Node built-in and no zod, and the bundle runs in a sandbox that has only browser globals (no
 * `process`, `Buffer` or `require`), talking to the real product with a standard WebSocket.
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { startTestServer, WebSocket, type TestServer } from './test-support/server';

let server: TestServer;
let bundle: string;

beforeAll(async () => {
  server = await startTestServer();
  const out = await build({
    entryPoints: [join(__dirname, 'index.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'ArcpClient',
    conditions: ['@arcp/source'],
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  bundle = out.outputFiles[0]!.text;
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

describe('browser bundle', () => {
  it('contains neither zod nor Node built-ins, and stays small', () => {
    expect(bundle).not.toMatch(/node_modules\/(\.pnpm\/)?zod/);
    expect(bundle).not.toMatch(/require\(["'](node:)?(fs|net|http|https|crypto|events|stream|buffer)["']\)/);
    expect(bundle.length).toBeLessThan(80_000);
  });

  it('runs with browser globals only and streams from the real server', async () => {
    const sandbox = createContext({
      WebSocket,
      fetch,
      URL,
      AbortController,
      TextEncoder,
      TextDecoder,
      atob,
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval,
      queueMicrotask,
    });
    runInContext(bundle, sandbox);
    expect(runInContext('typeof process + typeof Buffer + typeof require', sandbox)).toBe('undefinedundefinedundefined');
    const result = (await runInContext(
      `(async () => {
        const pub = new ArcpClient.PublicChannel({ url: ${JSON.stringify(server.url('public'))} });
        const first = [];
        for await (const frame of pub) { first.push(frame.type); if (first.length === 2) break; }
        const health = await new ArcpClient.ArcpHttp(${JSON.stringify(server.base)}).health();
        return { first, state: pub.state, health: health.status };
      })()`,
      sandbox,
    )) as { first: string[]; state: string; health: string };
    expect(result.first[0]).toBe('welcome');
    expect(result.state).toBe('closed');
    expect(result.health).toBe('healthy');
  });
});
