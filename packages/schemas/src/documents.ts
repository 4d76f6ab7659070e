/**
 * The generated documents, built once per process: what the registry serves (`/openapi.json`,
 * `/asyncapi.json`, `/docs`) and what `pnpm schemas` writes to `schemas/`. Generation is pure
 * and deterministic (no clock, no environment), so the files in git and the served documents are
 * the same bytes and a drift test can regenerate and compare.
 */
import { ARCP_API_VERSION } from '@arcp/protocol';
import { asyncApiDocument } from './asyncapi';
import { docsPage } from './docs-page';
import { frameEntries } from './frames';
import { standalone, type JsonSchema } from './json-schema';
import { openApiDocument } from './openapi';

export interface ApiDocuments {
  readonly openapi: JsonSchema;
  readonly asyncapi: JsonSchema;
  /** Serialized as served and written (two-space JSON with a final newline). */
  readonly openapiJson: string;
  readonly asyncapiJson: string;
  readonly docsHtml: string;
}

export const toJsonText = (value: unknown): string => JSON.stringify(value, null, 2) + '\n';

let cached: ApiDocuments | null = null;

export function apiDocuments(): ApiDocuments {
  if (cached) return cached;
  const openapi = openApiDocument(ARCP_API_VERSION);
  const asyncapi = asyncApiDocument(ARCP_API_VERSION);
  cached = Object.freeze({
    openapi,
    asyncapi,
    openapiJson: toJsonText(openapi),
    asyncapiJson: toJsonText(asyncapi),
    docsHtml: docsPage(openapi, asyncapi),
  });
  return cached;
}

const README = `# Generated protocol schemas

Generated from the zod schemas of \`packages/protocol\` by \`pnpm schemas\` (packages/schemas). Do
not edit: \`pnpm test\` regenerates them and fails on any difference.

| file | what |
|---|---|
| \`openapi.json\` | OpenAPI 3.1: every HTTP route of the registry (also served at \`/openapi.json\`) |
| \`asyncapi.json\` | AsyncAPI 3.0: the three WebSocket channels, messages in each direction, auth, close codes (also \`/asyncapi.json\`) |
| \`docs.html\` | the readable page served at \`/docs\` |
| \`json-schema/<channel>/<from-client\\|from-server>/<frame>.schema.json\` | JSON Schema (draft 2020-12) of every frame |
`;

/** Every file of `schemas/`, by path relative to it. */
export function schemaFiles(): Record<string, string> {
  const docs = apiDocuments();
  const files: Record<string, string> = {
    'README.md': README,
    'openapi.json': docs.openapiJson,
    'asyncapi.json': docs.asyncapiJson,
    'docs.html': docs.docsHtml,
  };
  for (const entry of frameEntries()) {
    const path = `json-schema/${entry.channel.name}/from-${entry.side}/${entry.message.name}.schema.json`;
    const schema = standalone(entry.schema, 'draft-2020-12');
    files[path] = toJsonText({
      ...schema,
      title: `${entry.channel.path} ${entry.message.name} (from ${entry.side})`,
      description: entry.message.summary,
    });
  }
  return files;
}
