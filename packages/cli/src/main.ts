#!/usr/bin/env node
/**
 * The `arcp` executable: runs one command with the real process streams and environment. Under
 * `pnpm arcp` the script runs at the repository root; INIT_CWD is where the user typed it.
 */
import { run } from './cli';

const interrupted = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

void run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.env.INIT_CWD ?? process.cwd(),
  interrupted,
}).then((code) => {
  process.exitCode = code;
  // Sockets and timers of a finished command must not keep the process alive.
  setImmediate(() => process.exit(code));
});
