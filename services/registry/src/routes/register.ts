/**
 * `POST /agents/register`, step 2 of the original ARCP flow: validate the registration, check who may
 * register which id, hold the one-key-one-live-agent rule, store the agent durably, then answer
 * with its access token and announce the change once.
 */
import { type VerifiedToken } from '@arcp/auth';
import { type VersionedAgent } from '@arcp/directory';
import {
  defaultMetrics,
  isoUtc,
  makeAgentRegistrationSchema,
  StoredAgentSchema,
  type AgentRegistration,
  type StoredAgent,
} from '@arcp/protocol';
import { KvConflictError, type HttpRequest, type HttpResponse } from '@arcp/service-kit';
import { aliveNow, type RegistryContext, type Stores } from '../context';
import { parseBody } from '../http/body';
import { authenticate } from '../http/guard';
import { fail, HttpFailure, json } from '../http/responses';

export function registerHandler(ctx: RegistryContext) {
  const schema = makeAgentRegistrationSchema(ctx.config.ALLOWED_AGENT_TYPES);
  return async (req: HttpRequest): Promise<HttpResponse> => {
    // The body is parsed up front so the duplicate check's read can run alongside the token's
    // revocation lookup; a bad body is still reported only to an authenticated caller.
    const parsed = tryParse(() => parseBody(req, schema, ctx.config.MAX_JSON_SIZE));
    let existingRead: Promise<VersionedAgent | null> | undefined;
    const token = await authenticate(ctx, req, 'agent', ['temp', 'agent', 'admin'], () => {
      if (!parsed.ok) return;
      existingRead = ctx.stores().then((stores) => stores.writer.read(parsed.value.agent_id));
      // Observed here too: a refused token leaves the read unawaited.
      existingRead.catch(() => undefined);
    });
    if (!parsed.ok) {
      ctx.metrics.registrations.inc({ result: 'invalid' });
      throw parsed.error;
    }
    const registration = parsed.value;
    assertMayRegister(ctx, req, token, registration.agent_id);
    const stores = await ctx.stores();
    // The duplicate check comes before the key binding so a refused attempt binds nothing.
    const existing = await (existingRead ?? stores.writer.read(registration.agent_id));
    if (existing !== null && (await aliveNow(ctx, stores, existing))) throw duplicate(ctx, req, registration.agent_id);
    const link = token.kind === 'temp' ? await claimKey(ctx, req, stores, token, registration.agent_id) : undefined;
    // The agent's side of the key binding is durable before the agent appears.
    const agent = await store(ctx, req, stores, registration, existing, link);
    const access = await ctx.tokens.issueAgent(agent.agent_id);
    ctx.metrics.registrations.inc({ result: 'ok' });
    ctx.logger.info(
      {
        agent_id: agent.agent_id,
        agent_type: agent.agent_type,
        client_ip: req.ip,
        request_id: req.requestId,
        by: token.kind,
        again: existing !== null,
      },
      'agent registered',
    );
    ctx.events.directory('registered', agent);
    ctx.events.log('INFO', 'agents', `Agent registered: ${agent.agent_id} (${agent.agent_type})`, {
      event_type: 'agent_registered',
      agent_id: agent.agent_id,
      agent_type: agent.agent_type,
      client_ip: req.ip,
    });
    return json({
      status: 'success',
      message: `Agent '${agent.name}' registered successfully`,
      agent_id: agent.agent_id,
      access_token: access.token,
    });
  };
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

function tryParse<T>(parse: () => T): Parsed<T> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Admins register anyone; a temp token only the agent it was issued for; agents themselves. */
function assertMayRegister(ctx: RegistryContext, req: HttpRequest, token: VerifiedToken, agentId: string): void {
  if (token.kind === 'admin' || token.claims.agent_id === agentId) return;
  ctx.metrics.registrations.inc({ result: 'forbidden' });
  throw new HttpFailure(
    fail(req, 'insufficient-permissions', 'Agents can only register themselves', {
      agent_id: token.claims.agent_id,
      request_agent_id: agentId,
    }),
  );
}

/**
 * Claims the temp token's agent key for `agentId` (one key, one live agent); returns the write
 * that records the agent's side of the binding, for the caller to run with the agent's records.
 */
async function claimKey(
  ctx: RegistryContext,
  req: HttpRequest,
  stores: Stores,
  token: VerifiedToken,
  agentId: string,
): Promise<() => Promise<void>> {
  const hash = token.claims.agent_key_hash ?? '';
  const isLive = async (id: string) => {
    const found = await stores.writer.read(id);
    return found !== null && (await aliveNow(ctx, stores, found));
  };
  const holder = await stores.keys.claim(hash, agentId, isLive);
  if (holder === null) return () => stores.keys.link(agentId, hash);
  ctx.metrics.registrations.inc({ result: 'key_in_use' });
  throw new HttpFailure(
    fail(req, 'agent-registration-failed', `Agent key is already in use by agent '${holder}'. Each agent key can only register one agent.`),
  );
}

function duplicate(ctx: RegistryContext, req: HttpRequest, agentId: string): HttpFailure {
  ctx.metrics.registrations.inc({ result: 'duplicate' });
  return new HttpFailure(fail(req, 'duplicate-agent', `Agent ${agentId} is already registered and alive.`));
}

/** Creates the record, or replaces the dead one seen at `existing`; losing a race is a 409. */
async function store(
  ctx: RegistryContext,
  req: HttpRequest,
  stores: Stores,
  registration: AgentRegistration,
  existing: VersionedAgent | null,
  alongside?: () => Promise<void>,
): Promise<StoredAgent> {
  const at = isoUtc(ctx.now());
  const agent = StoredAgentSchema.parse({
    ...registration,
    status: 'alive',
    registered_at: at,
    last_seen: at,
    metrics: defaultMetrics(registration.agent_id, at),
  });
  try {
    await stores.writer.register(agent, existing, alongside);
  } catch (err) {
    if (err instanceof KvConflictError) throw duplicate(ctx, req, agent.agent_id);
    throw err;
  }
  return agent;
}
