/**
 * Turns registry handlers into `RouteDef`s that never throw: prepared failures become their
 * response, bus/storage failures a 503, anything else a logged 500 problem.
 */
import {
  BusError,
  BusUnavailableError,
  type HttpHandler,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  type RouteDef,
} from '@arcp/service-kit';
import { type RegistryContext } from '../context';
import { fail, HttpFailure } from './responses';

export type RegistryHandler = (req: HttpRequest, ctx: RegistryContext) => Promise<HttpResponse> | HttpResponse;

export function guarded(ctx: RegistryContext, handler: RegistryHandler): HttpHandler {
  return async (req) => {
    try {
      return await handler(req, ctx);
    } catch (err) {
      if (err instanceof HttpFailure) return err.response;
      if (err instanceof BusUnavailableError) {
        // Answered at once: the engine does not wait out a timeout while the bus reconnects.
        return fail(
          req,
          'service-unavailable',
          'The message bus is unavailable while it reconnects; try again shortly',
          {},
          { 'retry-after': '2' },
        );
      }
      if (err instanceof BusError) {
        ctx.logger.warn({ err, path: req.path }, 'storage unavailable');
        return fail(req, 'service-unavailable', 'Agent directory storage is unavailable, try again shortly', {}, { 'retry-after': '2' });
      }
      ctx.logger.error({ err, method: req.method, path: req.path }, 'unhandled error in registry route');
      return fail(req, 'internal-error', 'An unexpected error occurred. Try again later.');
    }
  };
}

export function route(
  ctx: RegistryContext,
  method: HttpMethod,
  pattern: string,
  handler: RegistryHandler,
  maxBodyBytes = ctx.config.MAX_JSON_SIZE,
): RouteDef {
  return { method, pattern, handler: guarded(ctx, handler), maxBodyBytes };
}
