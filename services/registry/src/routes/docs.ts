/**
 * `GET /openapi.json`, `GET /asyncapi.json` and `GET /docs`: the documents generated from the
 * protocol's zod schemas (@arcp/schemas), built once per process on first request and served as
 * is. The page loads nothing from elsewhere, so its policy forbids every fetch and script.
 */
import { apiDocuments } from '@arcp/schemas';
import { type HttpResponse } from '@arcp/service-kit';

const CACHE = 'public, max-age=300';

export function openApiJson(): HttpResponse {
  return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': CACHE }, body: apiDocuments().openapiJson };
}

export function asyncApiJson(): HttpResponse {
  return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': CACHE }, body: apiDocuments().asyncapiJson };
}

export function docsHtml(): HttpResponse {
  return {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': CACHE,
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
    },
    body: apiDocuments().docsHtml,
  };
}
