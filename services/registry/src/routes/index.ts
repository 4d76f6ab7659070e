/**
 * The registry's HTTP surface: every route of the contract's HTTP list, the generated API
 * documents, and the 501/400 stubs. `HTTP_API` in @arcp/protocol documents each one; the
 * contract test fails when the two lists differ.
 */
import { type RouteDef } from '@arcp/service-kit';
import { type RegistryContext } from '../context';
import { route } from '../http/route';
import { login, logout } from './admin-auth';
import { notImplemented, requestTempToken, validateCompliance } from './agent-auth';
import { getMetrics, heartbeat, postMetrics, unregister } from './agent-ops';
import { getAgent, listAgents } from './agent-read';
import { agentTypes, discover, publicAgent, publicStats } from './public';
import { registerHandler } from './register';
import { search } from './search';
import { asyncApiJson, docsHtml, openApiJson } from './docs';
import { health, root } from './system';
import { refreshToken, validateToken } from './tokens';

export function registryRoutes(ctx: RegistryContext): RouteDef[] {
  const register = registerHandler(ctx);
  const r = (...args: Parameters<typeof route> extends [unknown, ...infer Rest] ? Rest : never) => route(ctx, ...args);
  return [
    r('POST', '/auth/agent/request_temp_token', requestTempToken),
    r('POST', '/agents/register', register),
    r('POST', '/agents/:agent_id/heartbeat', heartbeat),
    r('DELETE', '/agents/:agent_id', unregister),
    r('POST', '/agents/:agent_id/metrics', postMetrics),
    r('GET', '/agents/:agent_id/metrics', getMetrics),
    r('GET', '/agents', listAgents),
    r('GET', '/agents/:agent_id', getAgent),
    r('GET', '/public/discover', discover),
    r('GET', '/public/agent/:agent_id', publicAgent),
    r('GET', '/public/stats', publicStats),
    r('GET', '/public/agent_types', agentTypes),
    r('POST', '/public/search', search),
    r('POST', '/auth/login', login),
    r('POST', '/auth/logout', logout),
    r('GET', '/tokens/validate', validateToken),
    r('POST', '/tokens/refresh', refreshToken),
    r('GET', '/health', health),
    r('GET', '/', root),
    r('GET', '/openapi.json', openApiJson),
    r('GET', '/asyncapi.json', asyncApiJson),
    r('GET', '/docs', docsHtml),
    // Out of scope (contract): clear answers instead of 404s.
    r('POST', '/auth/agent/validate_compliance', validateCompliance),
    r('GET', '/auth/agent/validation/:validation_id', notImplemented('Three-phase registration')),
    r('POST', '/public/connect/:agent_id', notImplemented('Connection forwarding')),
    r('POST', '/auth/set_pin', notImplemented('Session PINs')),
    r('POST', '/auth/verify_pin', notImplemented('Session PINs')),
    r('GET', '/auth/pin_status', notImplemented('Session PINs')),
  ];
}
