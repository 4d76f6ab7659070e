/** @arcp/cli: the `arcp` command line, as a library (`run`) for tests and embedding. */
export { run, COMMANDS, VERSION } from './cli';
export { generateConfig } from './commands/genconfig';
export { formatFrame, formatState } from './format';
export type { CliIO, Out } from './io';
