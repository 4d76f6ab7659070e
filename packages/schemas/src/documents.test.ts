/**
 * The generated documents are valid (checked by the official AsyncAPI parser, an OpenAPI 3.1
 * validator and Ajv for JSON Schema 2020-12), complete (every route, every frame) and identical
 * to the committed `schemas/` files.
 */
import { Parser as AsyncApiParser } from '@asyncapi/parser';
import { validate as validateOpenApi } from '@readme/openapi-parser';
import {
  AgentsOutboundSchema,
  DashboardCommandSchema,
  DashboardOutboundFrameSchema,
  HTTP_API,
  openApiPath,
  PublicOutboundFrameSchema,
} from '@arcp/protocol';
import Ajv2020 from 'ajv/dist/2020';
import { drift } from './cli';
import { apiDocuments, schemaFiles } from './documents';
import { frameEntries } from './frames';

const docs = apiDocuments();

describe('generated schemas', () => {
  it('match the committed schemas/ folder (run `pnpm schemas` after changing a zod schema)', () => {
    expect(drift()).toEqual([]);
  });

  it('produce the same bytes on every run (no clock, no environment)', () => {
    expect(JSON.stringify(schemaFiles())).toBe(JSON.stringify(schemaFiles()));
  });
});

describe('OpenAPI 3.1', () => {
  it('is valid according to an OpenAPI validator', async () => {
    const result = await validateOpenApi(JSON.parse(docs.openapiJson) as never);
    expect(result).toMatchObject({ valid: true, warnings: [] });
  });

  it('has an operation for every route of the catalog, with problem+json failures and bearer auth', () => {
    const paths = docs.openapi.paths as Record<string, Record<string, Record<string, unknown>>>;
    for (const route of HTTP_API) {
      const op = paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
      expect(op).toBeDefined();
      const responses = op!.responses as Record<string, { content: Record<string, unknown> }>;
      expect(responses['429']!.content['application/problem+json']).toBeDefined();
      expect(op!.security).toEqual(route.credentials.length > 0 ? [{ bearerAuth: [] }] : []);
      if (route.body) expect(op!.requestBody).toBeDefined();
    }
    const count = Object.values(paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(count).toBe(HTTP_API.length);
  });

  it('rejects a broken document (the validator is not a no-op)', async () => {
    const broken = JSON.parse(docs.openapiJson) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    broken.paths['/health']!.get!.responses = { '200': { content: {} } };
    await expect(validateOpenApi(broken as never)).resolves.toMatchObject({
      valid: false,
      errors: [expect.objectContaining({ message: expect.stringMatching(/description/) })],
    });
  });
});

describe('AsyncAPI 3.0', () => {
  const parse = (doc: unknown) => new AsyncApiParser().parse(JSON.stringify(doc));

  it('is valid according to the official AsyncAPI parser', async () => {
    const { document, diagnostics } = await parse(docs.asyncapi);
    expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
    expect(document).toBeDefined();
    expect(
      document!
        .channels()
        .all()
        .map((c) => c.address()),
    ).toEqual(['/public/ws', '/agents/ws', '/dashboard/ws']);
  });

  it('lists messages in both directions on every channel, and the close codes', () => {
    const ops = docs.asyncapi.operations as Record<string, { action: string; messages: unknown[] }>;
    for (const channel of ['public', 'agents', 'dashboard']) {
      expect(ops[`${channel}.send`]!.messages.length).toBeGreaterThan(3);
      expect(ops[`${channel}.receive`]!.messages.length).toBeGreaterThan(2);
    }
    const codes = (docs.asyncapi['x-close-codes'] as Array<{ code: number; action: string }>).map((c) => `${c.code}:${c.action}`);
    expect(codes).toEqual(
      expect.arrayContaining(['1006:reconnect', '1008:stop', '4001:stop', '4009:stop', '4200:reconnect', '4201:reconnect']),
    );
  });

  it('rejects a broken document (the parser is not a no-op)', async () => {
    const broken = { ...docs.asyncapi, channels: { public: { address: 42 } } };
    const { diagnostics } = await parse(broken);
    expect(diagnostics.some((d) => d.severity === 0)).toBe(true);
  });
});

describe('JSON Schema per frame', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const files = schemaFiles();
  const compiled = frameEntries().map((e) => ({
    e,
    validate: ajv.compile(JSON.parse(files[`json-schema/${e.channel.name}/from-${e.side}/${e.message.name}.schema.json`]!) as object),
  }));
  const matching = (channel: string, side: string, value: unknown) =>
    compiled.filter((c) => c.e.channel.name === channel && c.e.side === side && c.validate(value)).map((c) => c.e.message.name);

  it('covers every frame the protocol defines', () => {
    const names = (ch: string, side: string) =>
      frameEntries()
        .filter((e) => e.channel.name === ch && e.side === side)
        .map((e) => e.message.name);
    for (const o of PublicOutboundFrameSchema.options) expect(names('public', 'server')).toContain(o.shape.type.value);
    for (const o of DashboardOutboundFrameSchema.options) expect(names('dashboard', 'server')).toContain(o.shape.type.value);
    for (const o of DashboardCommandSchema.options) expect(names('dashboard', 'client')).toContain(o.shape.type.value);
    expect(AgentsOutboundSchema.options).toHaveLength(2);
    expect(names('agents', 'server')).toEqual(expect.arrayContaining(['auth_required', 'auth_success', 'auth_error', 'agent_list']));
  });

  it.each(frameEntries().flatMap((e) => e.examples.map((x) => [e.id, x] as const)))('accepts the example of %s', (id, example) => {
    const [channel, side, name] = id.split('.') as [string, string, string];
    expect(matching(channel, side, example)).toContain(name);
  });

  it('has examples for the constant frames and every text frame', () => {
    const withExamples = frameEntries()
      .filter((e) => e.examples.length > 0)
      .map((e) => e.id);
    expect(withExamples).toEqual(
      expect.arrayContaining([
        'public.server.welcome',
        'agents.server.auth_required',
        'dashboard.server.pause_ack',
        'dashboard.client.auth',
        'public.client.text_ping',
      ]),
    );
  });

  it('rejects frames that break the schema', () => {
    expect(matching('public', 'server', { type: 'stats_update', timestamp: 1, data: { total_agents: 'many' } })).toEqual([]);
    expect(matching('agents', 'client', { token: '' })).toEqual([]);
    expect(matching('dashboard', 'client', { type: 'dashboard_log', data: { level: 'INFO' } })).toEqual([]);
    expect(matching('agents', 'server', 'hello')).toEqual([]);
    expect(matching('agents', 'server', 'ping')).toEqual(['text_ping']);
  });
});

describe('/docs page', () => {
  it('lists every route and every message, and loads nothing from elsewhere', () => {
    const html = docs.docsHtml;
    for (const route of HTTP_API) expect(html).toContain(`<code>${openApiPath(route.path)}</code>`);
    for (const e of frameEntries()) expect(html).toContain(`<code>${e.message.name}</code>`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });
});
