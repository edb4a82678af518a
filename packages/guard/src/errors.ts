/** The OAuth error codes of RFC 6750 §3.1. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/** Stable codes of {@link GuardError}. */
export type GuardErrorCode =
  | 'ERR_GUARD_NO_TOKEN'
  | 'ERR_GUARD_INVALID_REQUEST'
  | 'ERR_GUARD_INVALID_TOKEN'
  | 'ERR_GUARD_INSUFFICIENT_SCOPE';

/** The JSON body every guard error renders. */
export interface GuardErrorBody {
  error: string;
  error_description: string;
}

interface GuardErrorInit {
  code: GuardErrorCode;
  status: 400 | 401 | 403;
  realm: string;
  error?: BearerErrorCode;
  description: string;
  scope?: readonly string[];
  /** The private reason (a `JoseError` code, a check's code): for logs and hooks, never for the client. */
  reason?: string;
  cause?: unknown;
}

/**
 * An RFC 6750 bearer-token failure, ready to render: `status`, `headers` (with `WWW-Authenticate`) and `body`.
 *
 * `reason` holds the private detail (e.g. `ERR_JWT_EXPIRED`); it never appears in `headers` or `body`.
 *
 * @example
 * try { await guard.verify(token) } catch (e) {
 *   if (e instanceof GuardError) res.writeHead(e.status, e.headers).end(JSON.stringify(e.body));
 * }
 */
export class GuardError extends Error {
  override readonly name = 'GuardError';
  readonly code: GuardErrorCode;
  readonly status: 400 | 401 | 403;
  readonly error: BearerErrorCode | undefined;
  readonly description: string;
  readonly scope: readonly string[] | undefined;
  readonly reason: string | undefined;
  readonly realm: string;

  constructor(init: GuardErrorInit) {
    super(init.description, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.error = init.error;
    this.description = init.description;
    this.scope = init.scope;
    this.reason = init.reason;
    this.realm = init.realm;
  }

  /** The same error under another realm (requirement helpers are built before they know the guard's realm). */
  withRealm(realm: string): GuardError {
    if (realm === this.realm) return this;
    return new GuardError({
      code: this.code,
      status: this.status,
      realm,
      description: this.description,
      ...(this.error === undefined ? {} : { error: this.error }),
      ...(this.scope === undefined ? {} : { scope: this.scope }),
      ...(this.reason === undefined ? {} : { reason: this.reason }),
      cause: this.cause,
    });
  }

  /** The `WWW-Authenticate` value (RFC 6750 §3). */
  get wwwAuthenticate(): string {
    return bearerChallenge(this.realm, this.error, this.description, this.scope);
  }

  /** Response headers: `www-authenticate`, `content-type` and `cache-control`. */
  get headers(): Record<string, string> {
    return {
      'www-authenticate': this.wwwAuthenticate,
      'content-type': 'application/json',
      'cache-control': 'no-store',
    };
  }

  /** The JSON body `{ error, error_description }` (`error` is `unauthorized` when no token was sent). */
  get body(): GuardErrorBody {
    return { error: this.error ?? 'unauthorized', error_description: this.description };
  }
}

/**
 * Quotes a value as an RFC 7230 quoted-string: backslash-escapes `"` and `\`, and drops bytes RFC 6750 §3
 * forbids in these attributes (controls and non-ASCII), so no value can break out of the header.
 */
export function quoteHeaderValue(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '\\$&')}"`;
}

/** Builds `Bearer realm="…"[, error="…", error_description="…"][, scope="…"]`. */
export function bearerChallenge(
  realm: string,
  error?: BearerErrorCode,
  description?: string,
  scope?: readonly string[],
): string {
  let value = `Bearer realm=${quoteHeaderValue(realm)}`;
  if (error === undefined) return value;
  value += `, error=${quoteHeaderValue(error)}`;
  if (description !== undefined) value += `, error_description=${quoteHeaderValue(description)}`;
  if (scope !== undefined && scope.length > 0) value += `, scope=${quoteHeaderValue(scope.join(' '))}`;
  return value;
}

/** Public descriptions: fixed strings, so nothing about the token or the reason leaks to the client. */
export const DESCRIPTIONS = Object.freeze({
  noToken: 'A bearer token is required',
  invalidToken: 'The access token is invalid',
  insufficientScope: 'The access token does not have the required scope',
  multipleTokens: 'More than one access token was sent',
  queryTokenNotAllowed: 'An access token in the query string is not allowed',
  malformedAuthorization: 'The Authorization header is malformed',
});

/** Factories used across the package (one place decides status, error and description). */
export const guardErrors = {
  noToken: (realm: string) =>
    new GuardError({ code: 'ERR_GUARD_NO_TOKEN', status: 401, realm, description: DESCRIPTIONS.noToken }),
  invalidRequest: (realm: string, description: string, reason?: string) =>
    new GuardError({
      code: 'ERR_GUARD_INVALID_REQUEST',
      status: 400,
      realm,
      error: 'invalid_request',
      description,
      ...(reason === undefined ? {} : { reason }),
    }),
  invalidToken: (realm: string, reason: string, cause?: unknown) =>
    new GuardError({
      code: 'ERR_GUARD_INVALID_TOKEN',
      status: 401,
      realm,
      error: 'invalid_token',
      description: DESCRIPTIONS.invalidToken,
      reason,
      cause,
    }),
  insufficientScope: (realm: string, scope: readonly string[], reason = 'scope') =>
    new GuardError({
      code: 'ERR_GUARD_INSUFFICIENT_SCOPE',
      status: 403,
      realm,
      error: 'insufficient_scope',
      description: DESCRIPTIONS.insufficientScope,
      scope,
      reason,
    }),
};
