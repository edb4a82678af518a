export { type CliContext, nodeContext, type Sink } from './lib/context.js';
export { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './lib/errors.js';
export { createProgram, run } from './program.js';
