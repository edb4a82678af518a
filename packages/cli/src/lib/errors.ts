/** Process exit codes of the `signet` command (CONVENTIONS.md, "The CLI"). */
export const EXIT_OK = 0;
/** A command failed, or a token is invalid. */
export const EXIT_FAILURE = 1;
/** The command line itself is wrong: unknown option, missing argument, conflicting flags. */
export const EXIT_USAGE = 2;

/**
 * A failure the CLI reports to the user: a stable `code`, a message for stderr and the exit code.
 *
 * Messages never contain a token, a secret or a private key.
 *
 * @example
 * throw new CliError('ERR_ADMIN_UNREACHABLE', 'cannot reach the admin API at http://127.0.0.1:8081');
 */
export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
  }
}

/**
 * A usage error (exit code 2): the command line is wrong, nothing was attempted.
 *
 * @example
 * throw new UsageError('pass --issuer URL, or --insecure-skip-issuer to accept any issuer');
 */
export class UsageError extends CliError {
  constructor(message: string) {
    super('ERR_USAGE', message, { exitCode: EXIT_USAGE });
    this.name = 'UsageError';
  }
}

/** The `code` of an error-like value, when it has a string one. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** A one-line description of an error-like value, for stderr. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = errorCode(err);
    return code !== undefined && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
