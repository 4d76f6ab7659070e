/**
 * ArcpHttp and the platform's fetch: browsers throw "Illegal invocation" when `fetch` is called
 * as a method of another object, so the SDK must call the global one as a plain function.
 */
import { ArcpHttp } from './http';

describe('ArcpHttp fetch binding', () => {
  const original = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = original;
  });

  it('calls the global fetch unbound, as browsers require', async () => {
    const receivers: unknown[] = [];
    // Behaves like a browser's fetch: refuses any receiver but the global object.
    globalThis.fetch = function (this: unknown) {
      receivers.push(this);
      if (this !== undefined && this !== globalThis) throw new TypeError("Failed to execute 'fetch' on 'Window': Illegal invocation");
      return Promise.resolve(new Response('{"status":"healthy"}', { status: 200 }));
    } as typeof fetch;
    await expect(new ArcpHttp('http://127.0.0.1:1').health()).resolves.toEqual({ status: 'healthy' });
    expect(receivers).toHaveLength(1);
  });

  it('uses a fetch passed in the options', async () => {
    const calls: string[] = [];
    const http = new ArcpHttp({
      baseUrl: 'http://example.test/',
      fetch: (async (url: URL) => (calls.push(String(url)), new Response('{}'))) as unknown as typeof fetch,
    });
    await http.root();
    expect(calls).toEqual(['http://example.test/']);
  });
});
