/**
 * The OpenAPI 3.1 document of the registry's HTTP API, generated from the protocol's route
 * catalog: parameters, request bodies, the success body, and problem+json for every failure the
 * route (and every route: 429, 500) can answer. Bodies are shared components referenced by `$ref`.
 */
import {
  COMMON_PROBLEMS,
  ErrorCodes,
  HTTP_API,
  openApiPath,
  pathParams,
  ProblemDetailsSchema,
  PROBLEM_CONTENT_TYPE,
  type HttpRoute,
} from '@arcp/protocol';
import { type z } from 'zod';
import { components, standalone, type JsonSchema } from './json-schema';

export const OPENAPI_TITLE = 'ARCP realtime registry API';

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** Routes that read or write the directory answer 503 while its storage is unreachable. */
const usesStorage = (r: HttpRoute) => !['docs', 'system', 'out-of-scope'].includes(r.tag);

function bodySchemas(): Array<readonly [string, z.ZodType]> {
  const named: Array<readonly [string, z.ZodType]> = [['Problem', ProblemDetailsSchema]];
  for (const r of HTTP_API) {
    if (r.body) named.push([`${cap(r.operationId)}Request`, r.body]);
    if (r.success.schema) named.push([`${cap(r.operationId)}Response`, r.success.schema]);
  }
  return named;
}

function problemResponses(r: HttpRoute): Record<string, JsonSchema> {
  const all: Record<number, string> = { ...r.problems, 429: COMMON_PROBLEMS[429], 500: COMMON_PROBLEMS[500] };
  if (usesStorage(r) && all[503] === undefined) all[503] = COMMON_PROBLEMS[503];
  const out: Record<string, JsonSchema> = {};
  for (const [status, description] of Object.entries(all)) {
    out[status] = { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } } };
  }
  return out;
}

function successResponse(r: HttpRoute): Record<string, JsonSchema> {
  if (r.success.status >= 400) return {};
  const media = r.success.mediaType ?? 'application/json';
  const schema = r.success.schema ? ref(`${cap(r.operationId)}Response`) : media === 'text/html' ? { type: 'string' } : { type: 'object' };
  return { [String(r.success.status)]: { description: r.summary, content: { [media]: { schema } } } };
}

function parameters(r: HttpRoute): JsonSchema[] {
  const path = pathParams(r.path).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const query = (r.query ?? []).map((q) => {
    const { $schema: _s, ...item } = standalone(q.schema, 'draft-2020-12');
    return {
      name: q.name,
      in: 'query',
      required: false,
      description: q.description,
      ...(q.repeated ? { schema: { type: 'array', items: item }, style: 'form', explode: true } : { schema: item }),
    };
  });
  return [...path, ...query];
}

function operation(r: HttpRoute): JsonSchema {
  const kinds = r.credentials;
  const auth = kinds.length === 0 ? '' : `\n\nBearer token kinds accepted: ${kinds.join(', ')}.`;
  const params = parameters(r);
  return {
    operationId: r.operationId,
    tags: [r.tag],
    summary: r.summary,
    ...(r.description || auth ? { description: `${r.description ?? r.summary}${auth}` } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(r.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: ref(`${cap(r.operationId)}Request`) } } } }
      : {}),
    responses: { ...successResponse(r), ...problemResponses(r) },
    security: kinds.length === 0 ? [] : [{ bearerAuth: [] }],
    ...(kinds.length > 0 ? { 'x-token-kinds': [...kinds] } : {}),
  };
}

export function openApiDocument(version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const r of HTTP_API) (paths[openApiPath(r.path)] ??= {})[r.method.toLowerCase()] = operation(r);
  const slugs = Object.entries(ErrorCodes)
    .map(([slug, e]) => `${slug} (${e.status})`)
    .join(', ');
  return {
    openapi: '3.1.0',
    info: {
      title: OPENAPI_TITLE,
      version,
      description:
        'Agent registration, heartbeats, discovery, operator login and tokens. Errors are RFC 9457 problem+json whose `type` is ' +
        `https://arcp.0x001.tech/docs/problems/<slug>; slugs: ${slugs}. The WebSocket channels are described by /asyncapi.json.`,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'The server that serves this document' }],
    tags: [
      { name: 'agents', description: 'Registration and what an agent does to its own record' },
      { name: 'auth', description: 'Agent keys and operator login' },
      { name: 'tokens', description: 'Token validation and refresh' },
      { name: 'public', description: 'Unauthenticated discovery' },
      { name: 'system', description: 'Health and identity' },
      { name: 'docs', description: 'These documents' },
      { name: 'out-of-scope', description: 'Reference endpoints this server answers clearly instead of implementing' },
    ],
    paths,
    components: {
      schemas: components(bodySchemas(), 'draft-2020-12'),
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A temporary registration token, an agent access token or an admin token',
        },
      },
    },
  };
}
