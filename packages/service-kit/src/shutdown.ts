/**
 * The one graceful shutdown sequence: on SIGTERM/SIGINT (or `trigger`), readiness
 * turns false, the registered steps run in registration order (stop upgrades, close sockets,
 * drain the bus, close the ops server...), then the process exits. A watchdog exits with code 1
 * if the whole sequence outlives its deadline, so we always beat the orchestrator's SIGKILL.
 */
import { type Logger } from 'pino';

export type ShutdownStep = () => Promise<void> | void;

export interface ShutdownOptions {
  logger: Logger;
  /** Deadline for the whole sequence; keep it below the orchestrator's grace period. */
  timeoutMs: number;
  /** Injected in tests; defaults to process.exit. */
  exit?: (code: number) => void;
}

export interface Shutdown {
  /** Adds a step; steps run in registration order, each awaited, failures logged and skipped. */
  onShutdown(name: string, fn: ShutdownStep): void;
  /** True from the first trigger on: readiness checks report "shutting down". */
  isShuttingDown(): boolean;
  /** Starts the sequence once (later calls return the same promise); resolves after exit(). */
  trigger(reason: string, exitCode?: number): Promise<void>;
  /** SIGTERM/SIGINT start the sequence; a second signal exits at once. Returns an uninstaller. */
  installSignalHandlers(): () => void;
}

export function createShutdown(opts: ShutdownOptions): Shutdown {
  const log = opts.logger.child({ module: 'shutdown' });
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const steps: Array<{ name: string; fn: ShutdownStep }> = [];
  let running: Promise<void> | undefined;
  let shuttingDown = false;
  let exited = false;
  let current = '';

  const exitOnce = (code: number): void => {
    if (exited) return;
    exited = true;
    exit(code);
  };

  const runSteps = async (): Promise<void> => {
    // Index loop: a step may still register another (e.g. a late-started component).
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      if (!step) continue;
      current = step.name;
      const started = Date.now();
      try {
        await step.fn();
        log.info({ step: step.name, ms: Date.now() - started }, 'shutdown step done');
      } catch (err) {
        log.error({ err, step: step.name }, 'shutdown step failed');
      }
    }
  };

  const sequence = async (reason: string, exitCode: number): Promise<void> => {
    log.info({ reason, steps: steps.map((s) => s.name) }, 'shutting down');
    const watchdog = setTimeout(() => {
      log.error({ step: current, timeoutMs: opts.timeoutMs }, 'shutdown deadline passed, exiting');
      exitOnce(1);
    }, opts.timeoutMs);
    await runSteps();
    clearTimeout(watchdog);
    if (!exited) log.info({ exitCode }, 'shutdown complete');
    exitOnce(exitCode);
  };

  const trigger = (reason: string, exitCode = 0): Promise<void> => {
    // Set before the first step runs: readiness must already be false inside step one.
    shuttingDown = true;
    running ??= sequence(reason, exitCode);
    return running;
  };

  return {
    onShutdown: (name, fn) => {
      steps.push({ name, fn });
    },
    isShuttingDown: () => shuttingDown,
    trigger,
    installSignalHandlers: () => {
      const onSignal = (signal: NodeJS.Signals): void => {
        if (shuttingDown) {
          log.warn({ signal }, 'second signal during shutdown, exiting now');
          exitOnce(1);
          return;
        }
        void trigger(signal);
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      return () => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      };
    },
  };
}
