/**
 * Typed storage errors. The HTTP layer maps {@link StoreUnavailableError} to
 * `503 Service Unavailable` with `Retry-After`; anything else from the store is a bug (500).
 */

/**
 * The database cannot be reached right now (connection refused or lost, server starting or shutting
 * down, pool or statement timeout, SQLite busy past its timeout). Retrying later may succeed.
 *
 * @example
 * ```ts
 * try {
 *   await store.getClient(id);
 * } catch (error) {
 *   if (error instanceof StoreUnavailableError) reply.code(503).header('retry-after', '1');
 *   else throw error;
 * }
 * ```
 */
export class StoreUnavailableError extends Error {
  readonly code = 'ERR_STORE_UNAVAILABLE';
  /** Seconds a caller should wait before retrying (a hint for `Retry-After`). */
  readonly retryAfter: number;

  constructor(message: string, options?: { cause?: unknown; retryAfter?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreUnavailableError';
    this.retryAfter = options?.retryAfter ?? 1;
  }
}

/**
 * `true` when `error` is a {@link StoreUnavailableError} (also across module copies, by `code`).
 *
 * @example
 * ```ts
 * if (isStoreUnavailable(error)) return reply.code(503).send();
 * ```
 */
export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return (
    error instanceof StoreUnavailableError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { code?: unknown }).code === 'ERR_STORE_UNAVAILABLE')
  );
}

/** Node socket errors that mean "the database is not there". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOENT',
]);

/**
 * PostgreSQL SQLSTATEs of unavailability: class 08 (connection exception), 53 (insufficient
 * resources, e.g. too many connections), 57P01–57P03 (shutdown, crash, starting up), 57014 (a
 * statement timeout: the server is too slow to answer, a hanging request is worse than a 503).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('53') || code.startsWith('57P') || code === '57014';
}

/** pg-pool and pg report some failures only by message. */
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error',
  'Connection ended',
  'the database system is',
  // pg's client-side `query_timeout`: the server stopped answering (partition, frozen host).
  'Query read timeout',
];

/**
 * Maps a driver error to a {@link StoreUnavailableError} when it means "unreachable", else returns it.
 * The driver error is kept as `cause` for the log; the message names no query and no value.
 */
export function classifyStoreError(error: unknown): unknown {
  if (isStoreUnavailable(error) || typeof error !== 'object' || error === null) return error;
  const code = (error as { code?: unknown }).code;
  const message = (error as { message?: unknown }).message;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return unavailable(error, code);
    // SQLite: locked past busy_timeout (another process holds the write lock).
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_BUSY_')) {
      return unavailable(error, code);
    }
    if (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)) return unavailable(error, code);
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) {
    return unavailable(error, 'connection');
  }
  return error;
}

function unavailable(cause: unknown, reason: string): StoreUnavailableError {
  return new StoreUnavailableError(`database unavailable (${reason})`, { cause });
}
