/**
 * The documents as the product serves them: fetched from the real standalone process, they are
 * the committed files byte for byte and pass the OpenAPI validator and the AsyncAPI parser.
 */
import { Parser as AsyncApiParser } from '@asyncapi/parser';
import { startStandaloneProduct, type Topology } from '@arcp/e2e';
import { validate as validateOpenApi } from '@readme/openapi-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMAS_DIR } from './cli';

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
