/**
 * HTTP request bodies other than registration: the `LoginRequest` model that the original ARCP
 * server shares between admin login and temp-token requests, and `SearchRequest`.
 */
import * as z from 'zod';

/**
 * Empty strings pass the format checks on purpose: the handlers answer a missing or blank
 * credential with the reference's specific 400/401 texts rather than a generic 422.
 */
const idText = (max: number, field: string) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(/^[a-zA-Z0-9_-]*$/, { message: `${field} may contain only letters, digits, _ and -` })
    .nullish()
    .transform((v) => v ?? '');

/** `LoginRequest`: every field optional; which ones are present decides the flow. */
export const LoginRequestSchema = z.object({
  agent_id: idText(100, 'agent_id'),
  agent_type: idText(50, 'agent_type'),
  agent_key: z
    .string()
    .trim()
    .max(200)
    .nullish()
    .transform((v) => v ?? ''),
  username: z
    .string()
    .trim()
    .max(255)
    .nullish()
    .transform((v) => v ?? ''),
  // Passwords are compared byte for byte: no trimming. Present-but-empty is a 422.
  password: z
    .string()
    .min(1)
    .max(1024)
    .nullish()
    .transform((v) => v ?? ''),
});

export type LoginRequest = z.output<typeof LoginRequestSchema>;

/** `POST /auth/agent/request_temp_token` body: the same model, read for its agent fields. */
export const TempTokenRequestSchema = LoginRequestSchema.extend({});
export type TempTokenRequest = LoginRequest;

/** Minimum agent key length checked after the format rules (400, not 422). */
export const MIN_AGENT_KEY_LENGTH = 10;

export const DEFAULT_SEARCH_TOP_K = 10;
export const DEFAULT_SEARCH_MIN_SIMILARITY = 0.5;

const SEARCH_CAPABILITY_RE = /^[a-zA-Z0-9_\-\s]+$/;

/** `SearchRequest` with configurable defaults (`VECTOR_SEARCH_TOP_K`, `VECTOR_SEARCH_MIN_SIMILARITY`). */
export function makeSearchRequestSchema(defaults: { topK: number; minSimilarity: number }) {
  return z.object({
    query: z.string().trim().min(2).max(1000),
    top_k: z.number().int().min(1).max(100).default(defaults.topK),
    min_similarity: z.number().min(0).max(1).default(defaults.minSimilarity),
    capabilities: z
      .array(
        z
          .string()
          .trim()
          .min(2)
          .max(100)
          .regex(SEARCH_CAPABILITY_RE, { message: 'Capability may contain only letters, digits, _, - and spaces' }),
      )
      .min(1)
      .max(20)
      .nullish()
      .transform((v) => v ?? null),
    weighted: z.boolean().default(false),
    agent_type: z
      .string()
      .trim()
      .min(2)
      .max(50)
      .regex(/^[a-zA-Z0-9_-]+$/, { message: 'agent_type may contain only letters, digits, _ and -' })
      .nullish()
      .transform((v) => v ?? null),
  });
}

export const SearchRequestSchema = makeSearchRequestSchema({
  topK: DEFAULT_SEARCH_TOP_K,
  minSimilarity: DEFAULT_SEARCH_MIN_SIMILARITY,
});

export type SearchRequest = z.output<typeof SearchRequestSchema>;
export type SearchRequestInput = z.input<typeof SearchRequestSchema>;
