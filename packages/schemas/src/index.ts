/**
 * @arcp/schemas: the machine-readable protocol generated from the zod schemas of
 * @arcp/protocol (OpenAPI 3.1, AsyncAPI 3.0, JSON Schema per frame) and the `/docs` page.
 */
export { apiDocuments, schemaFiles, toJsonText, type ApiDocuments } from './documents';
export { frameEntries, type FrameEntry, type Side } from './frames';
export { OPENAPI_TITLE } from './openapi';
export { ASYNCAPI_TITLE } from './asyncapi';
export type { JsonSchema } from './json-schema';
