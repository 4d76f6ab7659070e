/**
 * The `/docs` page: one static HTML document rendered from the OpenAPI and AsyncAPI documents at
 * generation time. No script, no font or stylesheet from elsewhere, no request at run time:
 * schemas and examples sit in `<details>` blocks, readable in any browser and in `curl` output.
 */
import { CLOSE_CODE_INFO } from '@arcp/protocol';
import type { JsonSchema } from './json-schema';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const anchor = (s: string) =>
  s
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();

/** Pretty JSON; `$ref`s to components become links to where that schema is shown. */
function pretty(v: unknown, prefix = 'schema-'): string {
  const text = esc(JSON.stringify(v, null, 2));
  return `<pre>${text.replace(/&quot;#\/components\/schemas\/([^&]+)&quot;/g, (_m, name: string) => `<a href="#${prefix}${anchor(name)}">${name}</a>`)}</pre>`;
}
const refName = (v: unknown) =>
  String(obj(v).$ref ?? '')
    .split('/')
    .pop() ?? '';
const schemaLink = (v: unknown, prefix = 'schema-') => {
  const name = refName(v);
  return name ? `<a href="#${prefix}${anchor(name)}"><code>${esc(name)}</code></a>` : pretty(v, prefix);
};

type Doc = Record<string, unknown>;
const obj = (v: unknown): Doc => (v && typeof v === 'object' ? (v as Doc) : {});

/** Follows `#/components/...` references inside `doc` so a block shows the schema, not a pointer. */
function resolve(doc: Doc, value: unknown, depth = 0): unknown {
  if (depth > 12 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => resolve(doc, v, depth + 1));
  const o = value as Doc;
  if (typeof o.$ref === 'string' && o.$ref.startsWith('#/')) {
    const target = o.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => obj(at)[key], doc);
    return resolve(doc, target, depth + 1);
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(doc, v, depth + 1)]));
}

const details = (label: string, body: string) => `<details><summary>${esc(label)}</summary>${body}</details>`;

function httpSection(openapi: Doc): string {
  const rows: string[] = [];
  const blocks: string[] = [];
  for (const [path, ops] of Object.entries(obj(openapi.paths))) {
    for (const [method, raw] of Object.entries(obj(ops))) {
      const op = obj(raw);
      const id = anchor(`${method} ${path}`);
      const kinds = (op['x-token-kinds'] as string[] | undefined) ?? [];
      const auth = kinds.length ? `Bearer: ${kinds.join(', ')}` : 'none';
      rows.push(
        `<tr><td><code class="m">${method.toUpperCase()}</code></td><td><a href="#${id}"><code>${esc(path)}</code></a></td><td>${esc(auth)}</td><td>${esc(String(op.summary))}</td></tr>`,
      );
      const params = ((op.parameters as Doc[] | undefined) ?? []).map(
        (p) =>
          `<li><code>${esc(String(p.name))}</code> (${esc(String(p.in))})${p.description ? `: ${esc(String(p.description))}` : ''}</li>`,
      );
      const responses = Object.entries(obj(op.responses)).map(([status, r]) => {
        const content = obj(obj(r).content);
        const [media, body] = Object.entries(content)[0] ?? [];
        const schema = body ? ` — <i>${esc(String(media))}</i> ${schemaLink(obj(body).schema)}` : '';
        return `<li><b>${esc(status)}</b> ${esc(String(obj(r).description))}${schema}</li>`;
      });
      const request = obj(obj(obj(op.requestBody).content)['application/json']).schema;
      blocks.push(
        `<section id="${id}"><h3><code class="m">${method.toUpperCase()}</code> <code>${esc(path)}</code></h3>` +
          `<p>${esc(String(op.description ?? op.summary))}</p><p>Auth: ${esc(auth)}</p>` +
          (params.length ? `<h4>Parameters</h4><ul>${params.join('')}</ul>` : '') +
          (request ? `<h4>Request body</h4><p><i>application/json</i> ${schemaLink(request)}</p>` : '') +
          `<h4>Responses</h4><ul>${responses.join('')}</ul></section>`,
      );
    }
  }
  const schemas = Object.entries(obj(obj(openapi.components).schemas)).map(
    ([name, schema]) => `<section id="schema-${anchor(name)}">${details(name, pretty(schema))}</section>`,
  );
  return (
    `<h2 id="http">HTTP API</h2><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>` +
    `<table><tr><th>method</th><th>path</th><th>auth</th><th>what</th></tr>${rows.join('')}</table>${blocks.join('')}` +
    `<h3 id="http-schemas">Bodies</h3>${schemas.join('')}`
  );
}

function wsSection(asyncapi: Doc): string {
  const parts: string[] = [];
  for (const [name, raw] of Object.entries(obj(asyncapi.channels))) {
    const channel = obj(raw);
    const messages = Object.entries(obj(channel.messages)).map(([key, ref]) => [key, obj(resolve(asyncapi, ref))] as const);
    const list = (side: string) =>
      messages
        .filter(([key]) => key.startsWith(`${side}.`))
        .map(([, m]) => {
          const examples = ((m.examples as Doc[] | undefined) ?? []).map((e) => pretty(e.payload)).join('');
          return (
            `<li><code>${esc(String(m.name))}</code> <i>${esc(String(m.contentType))}</i>: ${esc(String(m.summary))}` +
            details('schema', pretty(resolve(asyncapi, m.payload), 'ws-schema-')) +
            (examples ? details('example', examples) : '') +
            '</li>'
          );
        })
        .join('');
    parts.push(
      `<section id="ws-${name}"><h3><code>${esc(String(channel.address))}</code></h3><p>${esc(String(channel.summary))}</p>` +
        `<p>${esc(String(channel.description))}</p><h4>Client → server</h4><ul>${list('client')}</ul>` +
        `<h4>Server → client</h4><ul>${list('server')}</ul></section>`,
    );
  }
  const codes = CLOSE_CODE_INFO.map((c) => `<tr><td>${c.code}</td><td>${c.action}</td><td>${esc(c.meaning)}</td></tr>`).join('');
  return (
    `<h2 id="ws">WebSocket channels</h2><p>Machine-readable: <a href="/asyncapi.json">/asyncapi.json</a> (AsyncAPI 3.0).</p>${parts.join('')}` +
    `<h3 id="close-codes">Close codes</h3><table><tr><th>code</th><th>client action</th><th>meaning</th></tr>${codes}</table>`
  );
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f4f6f8;padding:.6rem;overflow:auto;border-radius:4px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #dde2e8;padding:.3rem .5rem;text-align:left;vertical-align:top}
code.m{font-weight:bold;color:#0b5cad}section{border-top:1px solid #dde2e8;margin-top:1.2rem}details{margin:.2rem 0}summary{cursor:pointer;color:#4a5568}`;

export function docsPage(openapi: JsonSchema, asyncapi: JsonSchema): string {
  const info = obj(openapi.info);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>ARCP realtime API</title><style>${STYLE}</style></head><body>
<h1>ARCP realtime API <small>${esc(String(info.version))}</small></h1>
<p>Agents register and heartbeat over HTTP; people and programs watch the agent ecosystem live over three WebSocket channels.
Contents: <a href="#http">HTTP API</a> · <a href="#ws">WebSocket channels</a> · <a href="#close-codes">close codes</a>.</p>
${httpSection(openapi)}
${wsSection(asyncapi)}
</body></html>
`;
}
