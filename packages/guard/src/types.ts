import type { JwtClaims } from '@signet/jose';

/** The protected header of a verified token. */
export type TokenHeader = { alg: string; kid?: string; typ?: string; [name: string]: unknown };

/**
 * A verified access token (RFC 9068), as every adapter exposes it.
 *
 * `payload` is the same object as `claims` (the name Express users know from express-oauth2-jwt-bearer).
 */
export interface Auth {
  /** `sub`, or `client_id` when the token has no `sub`. */
  readonly subject: string;
  /** `client_id` (RFC 9068 §2.2). */
  readonly clientId: string;
  /** The `scope` claim split on spaces. */
  readonly scopes: readonly string[];
  /** `jti`, when present. */
  readonly jti: string | undefined;
  /** `exp`, in seconds since the epoch. */
  readonly expiresAt: number;
  readonly claims: Readonly<JwtClaims>;
  readonly payload: Readonly<JwtClaims>;
  readonly header: Readonly<TokenHeader>;
  /** The compact token itself: never log it. */
  readonly token: string;
}

/**
 * A further check on a verified token: throw to reject it. A {@link GuardError} is rendered as it is;
 * any other error becomes `401 invalid_token` and its `code` (or name) is reported as the private reason.
 */
export type AuthCheck = (auth: Auth) => void | Promise<void>;

/** Headers as Node (`IncomingHttpHeaders`) or the fetch API (`Headers`) carry them. */
export type HeaderBag =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Anything with headers and, optionally, a URL (for the query-string token rule) and Node's `rawHeaders`. */
export interface RequestLike {
  readonly headers: HeaderBag;
  readonly url?: string | undefined;
  readonly rawHeaders?: readonly string[] | undefined;
}

/** Per-call options of `authenticate`. */
export interface AuthenticateOptions {
  /** Scopes the token must all carry (in addition to the guard's `requiredScopes`). */
  readonly scopes?: readonly string[] | undefined;
  /** Further requirements, e.g. `[claimEquals('tenant', 'a')]`. */
  readonly require?: readonly AuthCheck[] | undefined;
}

/** Events for logs and metrics; never carry the token. */
export type GuardEvent =
  | { type: 'verify'; result: 'ok' }
  | { type: 'verify'; result: 'invalid' | 'expired' | 'unavailable' | 'rejected'; reason: string }
  | { type: 'forbidden'; reason: string; scope: readonly string[] | undefined }
  | { type: 'jwks_fetch'; result: 'ok' | 'error' | 'timeout' }
  | { type: 'discovery'; result: 'ok' | 'error'; reason?: string };
