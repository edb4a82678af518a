/**
 * Errors of the Auth service. Every error a client can provoke is an {@link OAuthError}: an HTTP
 * status, an OAuth `error` code and a public `error_description`, plus a private `detail` that only
 * goes to the log. One Fastify error handler (`http/error-handler.ts`) renders them all.
 */

/** OAuth 2.0 error codes used by this server (RFC 6749 §5.2, RFC 7009 §2.2.1, RFC 8707 §2). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'unsupported_token_type'
  | 'access_denied'
  | 'invalid_token'
  | 'not_found'
  | 'conflict'
  | 'slow_down'
  | 'temporarily_unavailable'
  | 'server_error';

/**
 * An error rendered as `{ error, error_description }` with an HTTP status.
 *
 * @example
 * throw new OAuthError(400, 'invalid_scope', 'scope exceeds what the client may ask for');
 */
export class OAuthError extends Error {
  readonly status: number;
  readonly error: OAuthErrorCode;
  /** Public, safe to show to the caller. Never contains a secret or a token. */
  readonly description: string;
  /** Private, for the log only (never rendered). */
  readonly detail: string | undefined;
  /** Extra response headers (`WWW-Authenticate`, `Retry-After`). */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    error: OAuthErrorCode,
    description: string,
    options: { detail?: string | undefined; headers?: Record<string, string> } = {},
  ) {
    super(description);
    this.name = 'OAuthError';
    this.status = status;
    this.error = error;
    this.description = description;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }
}

/**
 * Shorthand for a 400 `invalid_request`.
 *
 * @example
 * throw invalidRequest('"grant_type" is missing');
 */
export function invalidRequest(description: string, detail?: string): OAuthError {
  return new OAuthError(400, 'invalid_request', description, detail === undefined ? {} : { detail });
}

/**
 * A configuration problem found at start (`code` is stable, `path` names the offending setting).
 *
 * @example
 * throw new ConfigError('ERR_CONFIG_INVALID', '/port', 'must be an integer');
 */
export class ConfigError extends Error {
  readonly code: string;
  readonly path: string;
  constructor(code: string, path: string, message: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'ConfigError';
    this.code = code;
    this.path = path;
  }
}

/** True when `err` is the store's "database unreachable" error (`ERR_STORE_UNAVAILABLE`). */
export function isStoreUnavailable(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ERR_STORE_UNAVAILABLE'
  );
}
