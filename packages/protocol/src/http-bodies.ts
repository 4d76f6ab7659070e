/**
 * HTTP response bodies of the registry (reference-behaviour §2) as zod schemas: what the route
 * catalog (`http-api.ts`) documents in OpenAPI, and what the registry's contract test checks
 * its real answers against, so the published document cannot drift from the server.
 */
import * as z from 'zod';
import { AgentMetricsSchema } from './agent-metrics';
import { AgentRequirementsSchema } from './agent-requirements';
import { AgentStatusSchema } from './agent-stored';
import { IsoDateTime, ZonedIsoDateTime } from './validation';

const MetadataOut = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown())]));
const count = z.number().int().min(0);

/** The HTTP AgentInfo (`toHttpAgent`): every key present, absent values as null, ISO datetimes. */
export const HttpAgentSchema = z.strictObject({
  agent_id: z.string(),
  name: z.string(),
  agent_type: z.string(),
  endpoint: z.string(),
  capabilities: z.array(z.string()),
  context_brief: z.string(),
  version: z.string(),
  owner: z.string(),
  public_key: z.string(),
  metadata: MetadataOut,
  communication_mode: z.string(),
  features: z.array(z.string()),
  max_tokens: z.number().int().nullable(),
  language_support: z.array(z.string()).nullable(),
  rate_limit: z.number().int().nullable(),
  requirements: AgentRequirementsSchema.nullable(),
  policy_tags: z.array(z.string()),
  status: AgentStatusSchema,
  last_seen: ZonedIsoDateTime,
  registered_at: ZonedIsoDateTime,
  metrics: AgentMetricsSchema.nullable(),
});

/** RFC 9457 problem details with the reference's `timestamp`; extension members allowed. */
export const ProblemDetailsSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string(),
  timestamp: ZonedIsoDateTime,
  // The request's id (its X-Request-Id, or one the server generated), also in the response header and the server's log lines.
  request_id: z.string().optional(),
});

const bearer = z.literal('bearer');

export const TempTokenResponseSchema = z.strictObject({
  temp_token: z.string(),
  token_type: bearer,
  expires_in: count,
  message: z.string(),
});

export const RegisterResponseSchema = z.strictObject({
  status: z.literal('success'),
  message: z.string(),
  agent_id: z.string(),
  access_token: z.string(),
});

export const HeartbeatResponseSchema = z.strictObject({
  agent_id: z.string(),
  status: z.literal('success'),
  last_seen: ZonedIsoDateTime,
  metrics: z.null(),
});

export const UnregisterResponseSchema = z.strictObject({
  status: z.literal('success'),
  message: z.string(),
  unregistered_by: z.string(),
});

export const MetricsUpdateResponseSchema = z.strictObject({
  status: z.literal('success'),
  message: z.string(),
  metrics: AgentMetricsSchema,
});

export const PublicStatsResponseSchema = z.strictObject({
  alive_agents: count,
  total_agents: count,
  agent_types: count,
  system_status: z.literal('operational'),
  last_updated: ZonedIsoDateTime,
  features: z.strictObject({ semantic_search: z.boolean(), real_time_discovery: z.boolean(), connection_facilitation: z.boolean() }),
  /** Present only when at least one agent is registered. */
  available_types: z.array(z.string()).optional(),
});

export const AgentTypesResponseSchema = z.strictObject({ allowed_agent_types: z.array(z.string()) });

export const SearchHitSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  capabilities: z.array(z.string()),
  version: z.string(),
  owner: z.string(),
  similarity: z.number(),
  /** Only when the request asked for `weighted` results. */
  metrics: AgentMetricsSchema.optional(),
});

export const LoginResponseSchema = z.strictObject({
  access_token: z.string(),
  token_type: bearer,
  expires_in: count,
  agent_id: z.string(),
});

export const StatusMessageResponseSchema = z.strictObject({ status: z.literal('success'), message: z.string() });

/** The verified JWT claims (`@arcp/auth` TokenClaims); other claims may follow. */
export const TokenPayloadSchema = z.looseObject({
  sub: z.string(),
  agent_id: z.string(),
  role: z.enum(['agent', 'admin']),
  scopes: z.array(z.string()).optional(),
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string().optional(),
});

export const ValidateTokenResponseSchema = z.strictObject({ valid: z.literal(true), agent_id: z.string(), payload: TokenPayloadSchema });

export const RefreshTokenResponseSchema = z.strictObject({ access_token: z.string(), token_type: bearer, expires_in: count });

export const HealthResponseSchema = z.strictObject({
  status: z.enum(['healthy', 'degraded']),
  timestamp: IsoDateTime,
  version: z.string(),
  uptime: z.string(),
  service: z.string(),
  features: z.record(z.string(), z.boolean()),
  storage: z.strictObject({ engine: z.enum(['nats-jetstream', 'memory']), status: z.string() }),
  ai_services: z.strictObject({ azure_openai: z.string(), embeddings: z.boolean() }),
  agents: z.strictObject({
    total_registered: count,
    alive_agents: count,
    dead_agents: count,
    agent_types: z.record(z.string(), count),
  }),
});

export const RootResponseSchema = z.strictObject({
  service: z.string(),
  version: z.string(),
  status: z.literal('healthy'),
  dashboard: z.string(),
  docs: z.string(),
});

export type HttpAgentBody = z.output<typeof HttpAgentSchema>;
export type ProblemDetailsBody = z.output<typeof ProblemDetailsSchema>;
export type TempTokenResponse = z.output<typeof TempTokenResponseSchema>;
export type RegisterResponse = z.output<typeof RegisterResponseSchema>;
export type HeartbeatResponse = z.output<typeof HeartbeatResponseSchema>;
export type UnregisterResponse = z.output<typeof UnregisterResponseSchema>;
export type MetricsUpdateResponse = z.output<typeof MetricsUpdateResponseSchema>;
export type PublicStatsResponse = z.output<typeof PublicStatsResponseSchema>;
export type AgentTypesResponse = z.output<typeof AgentTypesResponseSchema>;
export type SearchHit = z.output<typeof SearchHitSchema>;
export type LoginResponse = z.output<typeof LoginResponseSchema>;
export type StatusMessageResponse = z.output<typeof StatusMessageResponseSchema>;
export type ValidateTokenResponse = z.output<typeof ValidateTokenResponseSchema>;
export type RefreshTokenResponse = z.output<typeof RefreshTokenResponseSchema>;
export type HealthResponse = z.output<typeof HealthResponseSchema>;
export type RootResponse = z.output<typeof RootResponseSchema>;
