/**
 * What an agent does to its own record (as in the original ARCP server): heartbeat, unregister, and metrics.
 * Agents act on themselves, admins on anyone; temp registration tokens are refused here.
 */
import { BEAT_PERSIST_AFTER_MS, newerOf } from '@arcp/directory';
import { AgentMetricsUpdateSchema, effectiveStatus, isoUtc } from '@arcp/protocol';
import { KvConflictError, type HttpRequest, type HttpResponse } from '@arcp/service-kit';
import { findAgent, type RegistryContext } from '../context';
import { parseBody } from '../http/body';
import { authenticate, mayActOn } from '../http/guard';
import { fail, HttpFailure, json, readAnswer } from '../http/responses';
import { mutateMetrics, unregisterAgent } from '../lifecycle';

const AGENT_CALLERS = ['agent', 'admin'] as const;

function notFound(req: HttpRequest, agentId: string): HttpFailure {
  return new HttpFailure(fail(req, 'agent-not-found', `Agent ${agentId} not found`, { agent_id: agentId }));
}

function forbidden(req: HttpRequest, detail: string, callerId: string, target: string): HttpFailure {
  return new HttpFailure(fail(req, 'insufficient-permissions', detail, { agent_id: callerId, target_agent_id: target }));
}

export async function heartbeat(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const agentId = req.params['agent_id'] ?? '';
  const caller = await authenticate(ctx, req, 'agent', AGENT_CALLERS);
  if (!mayActOn(caller, agentId)) {
    ctx.metrics.heartbeats.inc({ result: 'forbidden' });
    throw forbidden(req, 'Agents can only update their own heartbeat', caller.claims.agent_id, agentId);
  }
  const stores = await ctx.stores();
  const nowMs = ctx.now();
  const seenAt = isoUtc(nowMs);
  // The liveness record tells that the agent is registered; the heartbeat itself goes to the
  // heartbeat log (one entry for every heartbeat of the moment), and to the record as well only
  // when the record is older than the log must remember.
  const record = await stores.writer.readLiveness(agentId);
  if (record === null) {
    ctx.metrics.heartbeats.inc({ result: 'not_found' });
    throw notFound(req, agentId);
  }
  const before = newerOf(record.liveness, stores.directory.livenessOf(agentId));
  // A revival over the sweeper's `dead` is written to the record too: it is rare, and leaves no tie.
  const persist = record.liveness.status === 'dead' || nowMs - record.liveness.lastSeenMs >= BEAT_PERSIST_AFTER_MS;
  await Promise.all([
    stores.beats.beat(agentId, seenAt),
    persist &&
      stores.writer.setLiveness(agentId, { status: 'alive', last_seen: seenAt }, record.revision).catch((err: unknown) => {
        // Another write got there first; the heartbeat in the log is newer than it either way.
        if (!(err instanceof KvConflictError)) throw err;
      }),
  ]);
  const revived = effectiveStatus(before, nowMs, ctx.timeoutMs) === 'dead';
  ctx.metrics.heartbeats.inc({ result: revived ? 'revived' : 'ok' });
  if (revived) {
    const agent = (await stores.writer.read(agentId))?.agent;
    if (agent) {
      ctx.events.directory('alive', { ...agent, status: 'alive', last_seen: seenAt });
      ctx.events.log('INFO', 'agents', `Agent ${agentId} is alive again`, { agent_id: agentId, agent_type: agent.agent_type });
    }
  } else {
    ctx.events.heartbeat(agentId, stores.directory.get(agentId)?.agent_type);
  }
  return json({ agent_id: agentId, status: 'success', last_seen: seenAt, metrics: null });
}

export async function unregister(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const agentId = req.params['agent_id'] ?? '';
  const caller = await authenticate(ctx, req, 'agent', AGENT_CALLERS);
  if (!mayActOn(caller, agentId)) throw forbidden(req, 'Agents can only unregister themselves', caller.claims.agent_id, agentId);
  const stores = await ctx.stores();
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await stores.writer.read(agentId);
    if (current === null) throw notFound(req, agentId);
    if (await unregisterAgent(ctx, stores, current, 'request')) {
      const by = caller.kind === 'admin' ? `admin (${caller.claims.sub})` : 'agent (self)';
      ctx.logger.info(
        { agent_id: agentId, by: caller.kind, client_ip: req.ip, request_id: req.requestId },
        'agent unregistered on request',
      );
      return json({ status: 'success', message: `Agent ${agentId} unregistered successfully`, unregistered_by: by });
    }
  }
  throw notFound(req, agentId);
}

export async function postMetrics(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const agentId = req.params['agent_id'] ?? '';
  const caller = await authenticate(ctx, req, 'agent', AGENT_CALLERS);
  if (!mayActOn(caller, agentId)) throw forbidden(req, 'Agents can only update their own metrics', caller.claims.agent_id, agentId);
  const update = parseBody(req, AgentMetricsUpdateSchema, ctx.config.MAX_JSON_SIZE);
  const stores = await ctx.stores();
  const at = isoUtc(ctx.now());
  const result = await mutateMetrics(stores, agentId, (current) => ({ ...current, ...update, agent_id: agentId, last_active: at }));
  if (result === null) throw notFound(req, agentId);
  ctx.events.directory('metrics', result.after.agent);
  return json({ status: 'success', message: 'Metrics updated successfully', metrics: result.after.agent.metrics });
}

export async function getMetrics(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const agentId = req.params['agent_id'] ?? '';
  await authenticate(ctx, req, 'agent', AGENT_CALLERS);
  const agent = await findAgent(ctx, agentId);
  if (agent === undefined)
    throw new HttpFailure(fail(req, 'agent-not-found', `No metrics found for agent ${agentId}`, { agent_id: agentId }));
  return readAnswer(ctx, agent.metrics);
}
