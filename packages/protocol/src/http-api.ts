/**
 * The registry's HTTP API as data: every route's method, path, credential, query, body and
 * answers. The OpenAPI document is generated from this catalog, and the registry's contract test
 * checks that its mounted routes are exactly these and that its real answers match them, so a
 * route without an entry (or an entry without a route) fails a test instead of going undocumented.
 */
import * as z from 'zod';
import { AgentRegistrationSchema } from './agent';
import { AgentMetricsSchema, AgentMetricsUpdateSchema } from './agent-metrics';
import {
  AgentTypesResponseSchema,
  HealthResponseSchema,
  HeartbeatResponseSchema,
  HttpAgentSchema,
  LoginResponseSchema,
  MetricsUpdateResponseSchema,
  PublicStatsResponseSchema,
  RefreshTokenResponseSchema,
  RegisterResponseSchema,
  RootResponseSchema,
  SearchHitSchema,
  StatusMessageResponseSchema,
  TempTokenResponseSchema,
  UnregisterResponseSchema,
  ValidateTokenResponseSchema,
} from './http-bodies';
import { LoginRequestSchema, SearchRequestSchema, TempTokenRequestSchema } from './requests';

export type HttpApiMethod = 'GET' | 'POST' | 'DELETE';

/** Which bearer token a route accepts (`none`: no credential; `optional`: read if present). */
export type RouteCredential = 'none' | 'temp' | 'agent' | 'admin';

export interface QueryParam {
  readonly name: string;
  readonly schema: z.ZodType;
  readonly description: string;
  /** The parameter may repeat (`?capabilities=a&capabilities=b`). */
  readonly repeated?: boolean;
}

export interface HttpRoute {
  readonly method: HttpApiMethod;
  /** Path with `:name` parameters, exactly as the registry mounts it. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: 'agents' | 'auth' | 'tokens' | 'public' | 'system' | 'out-of-scope' | 'docs';
  readonly summary: string;
  readonly description?: string;
  /** Token kinds accepted; empty for an unauthenticated route. */
  readonly credentials: readonly RouteCredential[];
  readonly query?: readonly QueryParam[];
  readonly body?: z.ZodType;
  /** The success answer: status, media type and (for JSON) its schema. */
  readonly success: { readonly status: number; readonly schema?: z.ZodType; readonly mediaType?: string };
  /** Statuses answered with problem+json, each with when it happens. */
  readonly problems: Readonly<Record<number, string>>;
}

/** Problems every route can answer (rate limit, storage outage, unexpected failure). */
export const COMMON_PROBLEMS = Object.freeze({
  429: 'Too many requests from this client (token bucket over HTTP_RATE_PER_S); see Retry-After',
  500: 'Unexpected server failure',
  503: 'The directory storage is unreachable and the request needs it (a write); see Retry-After. Reads are answered from the last known directory, marked Warning: 110',
} as const);

/** Problems of any route with a JSON body. */
const BODY_PROBLEMS = {
  413: 'Body larger than MAX_JSON_SIZE',
  415: 'Content-Type is not application/json (or another +json type)',
  422: 'Body is not JSON or fails validation',
} as const;
const AUTH_PROBLEMS = { 401: 'Missing, invalid, expired or revoked token', 403: 'Token of a kind this route does not accept' } as const;

const agentIdParamNote = 'Agents act on themselves only; admins on any agent.';
/** Booleans in a query the way the registry reads them (`queryBool`). */
const includeMetrics = (description: string): QueryParam => ({
  name: 'include_metrics',
  schema: z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']),
  description,
});

export const HTTP_API: readonly HttpRoute[] = Object.freeze([
  {
    method: 'POST',
    path: '/auth/agent/request_temp_token',
    operationId: 'requestTempToken',
    tag: 'auth',
    summary: 'Step 1 of agent registration: trade an agent key for a temporary registration token',
    description: 'The temporary token registers only the agent it was issued for. Repeated bad keys lock the client out.',
    credentials: [],
    body: TempTokenRequestSchema,
    success: { status: 200, schema: TempTokenResponseSchema },
    problems: {
      400: 'agent_id, agent_type or agent_key missing, or the key is too short',
      401: 'Unknown agent key',
      ...BODY_PROBLEMS,
      503: 'Registration is not configured (no AGENT_KEYS), or the directory storage is unreachable (see Retry-After)',
    },
  },
  {
    method: 'POST',
    path: '/agents/register',
    operationId: 'registerAgent',
    tag: 'agents',
    summary: 'Step 2 of agent registration: store the agent and receive its access token',
    credentials: ['temp', 'agent', 'admin'],
    body: AgentRegistrationSchema,
    success: { status: 200, schema: RegisterResponseSchema },
    problems: {
      400: 'The agent key already backs another live agent',
      ...AUTH_PROBLEMS,
      409: 'The agent is already registered and alive',
      ...BODY_PROBLEMS,
    },
  },
  {
    method: 'POST',
    path: '/agents/:agent_id/heartbeat',
    operationId: 'heartbeat',
    tag: 'agents',
    summary: 'Keep an agent alive (a dead agent comes back alive)',
    description: agentIdParamNote,
    credentials: ['agent', 'admin'],
    success: { status: 200, schema: HeartbeatResponseSchema },
    problems: { ...AUTH_PROBLEMS, 404: 'No such agent' },
  },
  {
    method: 'DELETE',
    path: '/agents/:agent_id',
    operationId: 'unregisterAgent',
    tag: 'agents',
    summary: 'Unregister an agent; its tokens are revoked and its agent socket closes with 4009',
    description: agentIdParamNote,
    credentials: ['agent', 'admin'],
    success: { status: 200, schema: UnregisterResponseSchema },
    problems: { ...AUTH_PROBLEMS, 404: 'No such agent' },
  },
  {
    method: 'POST',
    path: '/agents/:agent_id/metrics',
    operationId: 'updateAgentMetrics',
    tag: 'agents',
    summary: "Update an agent's request statistics (partial update)",
    description: agentIdParamNote,
    credentials: ['agent', 'admin'],
    body: AgentMetricsUpdateSchema,
    success: { status: 200, schema: MetricsUpdateResponseSchema },
    problems: { ...AUTH_PROBLEMS, 404: 'No such agent', ...BODY_PROBLEMS },
  },
  {
    method: 'GET',
    path: '/agents/:agent_id/metrics',
    operationId: 'getAgentMetrics',
    tag: 'agents',
    summary: "An agent's request statistics",
    credentials: ['agent', 'admin'],
    success: { status: 200, schema: AgentMetricsSchema },
    problems: { ...AUTH_PROBLEMS, 404: 'No such agent' },
  },
  {
    method: 'GET',
    path: '/agents',
    operationId: 'listAgents',
    tag: 'agents',
    summary: 'Every registered agent, alive and dead, with filters',
    credentials: ['agent', 'admin'],
    query: [
      { name: 'status', schema: z.enum(['alive', 'dead']), description: 'Only agents in this state' },
      { name: 'agent_type', schema: z.string(), description: 'Only agents of this type (exact match)' },
      { name: 'capabilities', schema: z.string(), description: 'Agents having any of these capabilities', repeated: true },
      includeMetrics("Include each agent's metrics (default false)"),
    ],
    success: { status: 200, schema: z.array(HttpAgentSchema) },
    problems: { ...AUTH_PROBLEMS, 422: 'status is neither alive nor dead' },
  },
  {
    method: 'GET',
    path: '/agents/:agent_id',
    operationId: 'getAgent',
    tag: 'agents',
    summary: 'One registered agent',
    credentials: ['agent', 'admin'],
    query: [includeMetrics("Include the agent's metrics (default false)")],
    success: { status: 200, schema: HttpAgentSchema },
    problems: { ...AUTH_PROBLEMS, 404: 'No such agent' },
  },
  {
    method: 'GET',
    path: '/public/discover',
    operationId: 'discoverAgents',
    tag: 'public',
    summary: 'Alive agents, with metrics; capability filters must all match',
    credentials: [],
    query: [
      { name: 'agent_type', schema: z.string(), description: 'Only agents of this type (exact match)' },
      { name: 'capabilities', schema: z.string(), description: 'Agents having all of these capabilities', repeated: true },
      { name: 'limit', schema: z.int().min(0).max(100).default(50), description: 'Page size' },
      { name: 'offset', schema: z.int().min(0).max(1_000_000_000).default(0), description: 'Agents to skip' },
    ],
    success: { status: 200, schema: z.array(HttpAgentSchema) },
    problems: { 422: 'limit or offset out of range' },
  },
  {
    method: 'GET',
    path: '/public/agent/:agent_id',
    operationId: 'getPublicAgent',
    tag: 'public',
    summary: 'One alive agent, with metrics',
    credentials: [],
    success: { status: 200, schema: HttpAgentSchema },
    problems: { 404: 'No such agent, or the agent is dead (agent-not-available)' },
  },
  {
    method: 'GET',
    path: '/public/stats',
    operationId: 'getPublicStats',
    tag: 'public',
    summary: 'Directory statistics',
    credentials: [],
    success: { status: 200, schema: PublicStatsResponseSchema },
    problems: {},
  },
  {
    method: 'GET',
    path: '/public/agent_types',
    operationId: 'getAgentTypes',
    tag: 'public',
    summary: 'Agent types this server accepts at registration',
    credentials: [],
    success: { status: 200, schema: AgentTypesResponseSchema },
    problems: {},
  },
  {
    method: 'POST',
    path: '/public/search',
    operationId: 'searchAgents',
    tag: 'public',
    summary: 'Text search over alive agents (no vector index: every hit scores 0.8)',
    credentials: [],
    body: SearchRequestSchema,
    success: { status: 200, schema: z.array(SearchHitSchema) },
    problems: BODY_PROBLEMS,
  },
  {
    method: 'POST',
    path: '/auth/login',
    operationId: 'login',
    tag: 'auth',
    summary: 'Operator login: an admin token for /dashboard/ws and admin routes',
    description: 'Repeated failures from one client back off, then lock it out (429 with Retry-After).',
    credentials: [],
    body: LoginRequestSchema,
    success: { status: 200, schema: LoginResponseSchema },
    problems: {
      401: 'Wrong credentials, or an agent trying to log in directly',
      ...BODY_PROBLEMS,
      503: 'Admin login is not configured (no ADMIN_PASSWORD), or the directory storage is unreachable (see Retry-After)',
    },
  },
  {
    method: 'POST',
    path: '/auth/logout',
    operationId: 'logout',
    tag: 'auth',
    summary: 'Revoke the admin token everywhere (open dashboards close with 4009)',
    credentials: ['admin'],
    success: { status: 200, schema: StatusMessageResponseSchema },
    problems: AUTH_PROBLEMS,
  },
  {
    method: 'GET',
    path: '/tokens/validate',
    operationId: 'validateToken',
    tag: 'tokens',
    summary: 'Verify any token and return its claims',
    description: 'Failures are problem+json that also carry `valid: false` and `error`.',
    credentials: ['temp', 'agent', 'admin'],
    success: { status: 200, schema: ValidateTokenResponseSchema },
    problems: { 401: 'Missing, invalid, expired or revoked token' },
  },
  {
    method: 'POST',
    path: '/tokens/refresh',
    operationId: 'refreshToken',
    tag: 'tokens',
    summary: 'A fresh token of the same identity (not for temporary registration tokens)',
    credentials: ['agent', 'admin'],
    success: { status: 200, schema: RefreshTokenResponseSchema },
    problems: { 401: 'Missing, invalid, expired, revoked or temporary token' },
  },
  {
    method: 'GET',
    path: '/health',
    operationId: 'health',
    tag: 'system',
    summary: 'Service health, storage state and agent counts',
    credentials: [],
    success: { status: 200, schema: HealthResponseSchema },
    problems: {},
  },
  {
    method: 'GET',
    path: '/',
    operationId: 'root',
    tag: 'system',
    summary: 'Service identity and where the docs are',
    credentials: [],
    success: { status: 200, schema: RootResponseSchema },
    problems: {},
  },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'openapi',
    tag: 'docs',
    summary: 'This OpenAPI document',
    credentials: [],
    success: { status: 200, mediaType: 'application/json' },
    problems: {},
  },
  {
    method: 'GET',
    path: '/asyncapi.json',
    operationId: 'asyncapi',
    tag: 'docs',
    summary: 'The AsyncAPI document of the three WebSocket channels',
    credentials: [],
    success: { status: 200, mediaType: 'application/json' },
    problems: {},
  },
  {
    method: 'GET',
    path: '/docs',
    operationId: 'docs',
    tag: 'docs',
    summary: 'A readable page of the HTTP API and the WebSocket channels',
    credentials: [],
    success: { status: 200, mediaType: 'text/html' },
    problems: {},
  },
  {
    method: 'POST',
    path: '/auth/agent/validate_compliance',
    operationId: 'validateCompliance',
    tag: 'out-of-scope',
    summary: 'Three-phase registration is not enabled: always 400',
    credentials: [],
    success: { status: 400 },
    problems: { 400: 'Three-phase registration is not enabled on this server' },
  },
  ...(
    [
      ['GET', '/auth/agent/validation/:validation_id', 'getValidation', 'Three-phase registration'],
      ['POST', '/public/connect/:agent_id', 'connectToAgent', 'Connection forwarding'],
      ['POST', '/auth/set_pin', 'setPin', 'Session PINs'],
      ['POST', '/auth/verify_pin', 'verifyPin', 'Session PINs'],
      ['GET', '/auth/pin_status', 'pinStatus', 'Session PINs'],
    ] as const
  ).map(([method, path, operationId, feature]): HttpRoute => ({
    method,
    path,
    operationId,
    tag: 'out-of-scope',
    summary: `${feature}: not supported, always 501`,
    credentials: [],
    success: { status: 501 },
    problems: { 501: `${feature} is not supported by this server` },
  })),
]);

/** `/agents/:agent_id` → `/agents/{agent_id}` (OpenAPI path templating). */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** The `:name` parameters of a path, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
}

/** The ARCP reference version this HTTP surface reproduces (`GET /` reports it; the documents carry it). */
export const ARCP_API_VERSION = '2.1.2';
