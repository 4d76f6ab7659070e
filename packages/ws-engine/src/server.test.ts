import { createServer } from 'node:net';
import { loadUws, uwsBinaryName } from './native';
import { createUwsApp, listen, ListenError } from './server';

describe('loadUws', () => {
  it('loads the native binary, not the JS fallback, and caches it', () => {
    const uws = loadUws();
    expect(typeof uws.App).toBe('function');
    expect(typeof uws.us_socket_local_port).toBe('function');
    expect(loadUws()).toBe(uws);
    // The JS fallback exports plain functions; the addon's are native.
    expect(uws.App.toString()).toContain('[native code]');
    expect(uwsBinaryName()).toBe(`uws_${process.platform}_${process.arch}_${process.versions.modules}.node`);
  });
});

describe('listen', () => {
  it('binds port 0 to a real port and closes it', async () => {
    const app = createUwsApp();
    app.get('/x', (res) => void res.end('ok'));
    const handle = await listen(app, '127.0.0.1', 0);
    expect(handle.port).toBeGreaterThan(0);
    expect(await (await fetch(`http://127.0.0.1:${handle.port}/x`, { headers: { connection: 'close' } })).text()).toBe('ok');
    handle.close();
    handle.close();
    await expect(fetch(`http://127.0.0.1:${handle.port}/x`)).rejects.toThrow();
  });

  it('rejects with ListenError when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(listen(createUwsApp(), '127.0.0.1', port)).rejects.toBeInstanceOf(ListenError);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('never shares a port with another uWS server (a second instance fails instead of splitting the clients)', async () => {
    const first = await listen(createUwsApp(), '127.0.0.1', 0);
    try {
      await expect(listen(createUwsApp(), '127.0.0.1', first.port)).rejects.toThrow(/port is in use/);
    } finally {
      first.close();
    }
  });
});
