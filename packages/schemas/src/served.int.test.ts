/**
 * The documents as the product serves them: fetched from the real standalone process, they are
 * the committed files byte for byte and pass the OpenAPI validator and the AsyncAPI parser; and
 * every frame that process sends on its three channels matches a generated JSON Schema.
 */
import { Parser as AsyncApiParser } from '@asyncapi/parser';
import { startStandaloneProduct, type Topology } from '@arcp/e2e';
import { validate as validateOpenApi } from '@readme/openapi-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import WebSocket from 'ws';
import { SCHEMAS_DIR } from './cli';
import { schemaFiles } from './documents';
import { frameEntries } from './frames';

let topo: Topology;
beforeAll(async () => {
  topo = await startStandaloneProduct();
}, 60_000);
afterAll(async () => {
  await topo?.stop();
});

describe('served API documents', () => {
  it('GET /openapi.json is the committed document and a valid OpenAPI 3.1 description', async () => {
    const res = await fetch(`${topo.http}/openapi.json`);
    expect(res.headers.get('content-type')).toBe('application/json');
    const text = await res.text();
    expect(text).toBe(readFileSync(join(SCHEMAS_DIR, 'openapi.json'), 'utf8'));
    await expect(validateOpenApi(JSON.parse(text) as never)).resolves.toMatchObject({ valid: true });
  });

  it('GET /asyncapi.json is the committed document and a valid AsyncAPI 3.0 description', async () => {
    const text = await (await fetch(`${topo.http}/asyncapi.json`)).text();
    expect(text).toBe(readFileSync(join(SCHEMAS_DIR, 'asyncapi.json'), 'utf8'));
    const { diagnostics } = await new AsyncApiParser().parse(text);
    expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
  });

  it('GET /docs is the static page, and GET / points at it', async () => {
    const res = await fetch(`${topo.http}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toBe(readFileSync(join(SCHEMAS_DIR, 'docs.html'), 'utf8'));
    expect(((await (await fetch(`${topo.http}/`)).json()) as { docs: string }).docs).toBe('/docs');
  });
});

/** Every text frame a socket receives until `until` says stop (or 8 s pass). */
function collect(url: string, first: string, until: (frames: string[]) => boolean): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: string[] = [];
    const done = () => (clearTimeout(timer), ws.close(), resolve(frames));
    const timer = setTimeout(done, 8000);
    ws.on('open', () => ws.send(first));
    ws.on('message', (data) => {
      frames.push(data.toString());
      if (until(frames)) done();
    });
    ws.on('error', reject);
  });
}

describe('real frames against the generated JSON Schemas', () => {
  const ajv = new Ajv2020({ strict: false });
  const files = schemaFiles();
  const validators = frameEntries()
    .filter((e) => e.side === 'server')
    .map((e) => ({
      e,
      validate: ajv.compile(JSON.parse(files[`json-schema/${e.channel.name}/from-server/${e.message.name}.schema.json`]!) as object),
    }));
  const names = (channel: string, text: string) => {
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // a text frame
    }
    return validators.filter((v) => v.e.channel.name === channel && v.validate(value)).map((v) => v.e.message.name);
  };

  it("every frame of every channel matches one of its channel's schemas", async () => {
    const login = await fetch(`${topo.http}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: topo.env.ADMIN_USERNAME, password: topo.env.ADMIN_PASSWORD }),
    });
    const admin = ((await login.json()) as { access_token: string }).access_token;
    const [pub, dash, agents] = await Promise.all([
      collect(topo.ws.public[0]!, JSON.stringify({ type: 'get_discovery', page: 1 }), (f) => f.length >= 3),
      collect(
        topo.ws.dashboard[0]!,
        JSON.stringify({ type: 'auth', token: admin }),
        (f) => f.some((t) => t.includes('"monitoring"')) && f.length >= 4,
      ),
      collect(topo.ws.agents[0]!, JSON.stringify({ token: 'not-a-token' }), (f) => f.length >= 2),
    ]);
    expect(pub.length).toBeGreaterThanOrEqual(3);
    expect(dash.length).toBeGreaterThanOrEqual(4);
    for (const [channel, frames] of [
      ['public', pub],
      ['dashboard', dash],
      ['agents', agents],
    ] as const) {
      for (const text of frames)
        expect({ channel, frame: text.slice(0, 200), matches: names(channel, text).length > 0 }).toEqual({
          channel,
          frame: text.slice(0, 200),
          matches: true,
        });
    }
  });
});
