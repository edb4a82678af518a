import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerClients } from './commands/clients.js';
import { registerConfig } from './commands/config.js';
import { registerGateway } from './commands/gateway.js';
import { registerInit } from './commands/init.js';
import { registerJwt } from './commands/jwt.js';
import { registerKeys } from './commands/keys.js';
import { registerMigrate } from './commands/migrate.js';
import { registerRevoke } from './commands/revoke.js';
import { registerServe } from './commands/serve.js';
import { registerToken } from './commands/token.js';
import { registerDemo } from './demo/index.js';
import type { CliContext } from './lib/context.js';
import { CliError, describeError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './lib/errors.js';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Builds the `signet` commander program bound to a context (stdout, stderr, stdin, env, fetch).
 *
 * Parsing errors throw a `CommanderError` (exitOverride) instead of exiting; use {@link run} to get an exit code.
 *
 * @example
 * const program = createProgram(nodeContext());
 * await program.parseAsync(['jwt', 'decode', token, '--unverified'], { from: 'user' });
 */
export function createProgram(ctx: CliContext): Command {
  const program = new Command('signet')
    .description('Signet: a token authority (OAuth 2.0 client credentials, JWT) and a token toolkit')
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true);
  registerServe(program, ctx);
  registerInit(program, ctx);
  registerConfig(program, ctx);
  registerMigrate(program, ctx);
  registerClients(program, ctx);
  registerKeys(program, ctx);
  registerAudit(program, ctx);
  registerRevoke(program, ctx);
  registerToken(program, ctx);
  registerJwt(program, ctx);
  registerGateway(program, ctx);
  registerDemo(program, ctx);
  return program;
}

/**
 * Runs the CLI with user arguments (without `node` and the script) and returns the exit code:
 * 0 done, 1 failed or token invalid, 2 usage error.
 *
 * @example
 * process.exitCode = await run(process.argv.slice(2), nodeContext());
 */
export async function run(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = createProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every other commander error is about the command line (exit 2, not 1).
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof CliError) {
      ctx.stderr.write(`signet: ${err.message}\n`);
      return err.exitCode;
    }
    ctx.stderr.write(`signet: ${describeError(err)}\n`);
    return EXIT_FAILURE;
  }
}
