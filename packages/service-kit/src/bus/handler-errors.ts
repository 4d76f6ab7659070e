/**
 * What both engines do when a subscriber or watcher callback throws: the error never reaches
 * the engine (a subscription must survive a bad message); it is logged and reported to a hook,
 * which services wire to a counter.
 */
import { type Logger } from 'pino';

export interface BusHooks {
  logger?: Logger;
  /** Called for every error thrown by a subscription or watch callback. */
  onHandlerError?: (err: unknown, subject: string) => void;
}

export type HandlerErrorReporter = (err: unknown, subject: string) => void;

export function handlerErrorReporter(hooks: BusHooks): HandlerErrorReporter {
  return (err, subject) => {
    hooks.logger?.error({ err, subject }, 'bus handler threw');
    try {
      hooks.onHandlerError?.(err, subject);
    } catch (_hookErr) {
      // A broken hook must not break delivery either.
    }
  };
}
