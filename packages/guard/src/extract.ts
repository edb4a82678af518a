import { DESCRIPTIONS, guardErrors } from './errors.js';
import type { HeaderBag, RequestLike } from './types.js';

/** A character that can never occur in an RFC 6750 `b64token`. */
const NOT_B64TOKEN = /[^A-Za-z0-9\-._~+/=]/;
const BEARER = /^bearer$/i;

/**
 * RFC 6750 §2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. A search for
 * a foreign character (twice as fast as a full anchored match on a JWT), then `=` only as a suffix.
 */
export function isB64token(s: string): boolean {
  if (s.length === 0 || NOT_B64TOKEN.test(s)) return false;
  const pad = s.indexOf('=');
  if (pad < 0) return true;
  if (pad === 0) return false;
  for (let i = pad + 1; i < s.length; i++) if (s.charCodeAt(i) !== 61) return false;
  return true;
}

/** `Authorization`, in any case; the length test first skips most names without a lower-cased copy. */
function isAuthorizationName(name: string): boolean {
  return name.length === 13 && (name === 'authorization' || name.toLowerCase() === 'authorization');
}

function isFetchHeaders(headers: HeaderBag): headers is { get(name: string): string | null } {
  return typeof (headers as { get?: unknown }).get === 'function';
}

/** Every `Authorization` value of a request, duplicates included. */
function authorizationValues(input: RequestLike): string[] {
  // Node keeps only the first of duplicate Authorization headers in `headers`; `rawHeaders` has them all,
  // and a second token must be refused rather than silently ignored (RFC 6750 §2: one method, one token).
  if (input.rawHeaders !== undefined) {
    const out: string[] = [];
    const raw = input.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (isAuthorizationName(raw[i]!)) out.push(raw[i + 1]!);
    }
    return out;
  }
  const { headers } = input;
  if (isFetchHeaders(headers)) {
    const v = headers.get('authorization');
    return v === null ? [] : [v];
  }
  const v = headers['authorization'] ?? headers['Authorization'];
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : [...v];
}

/** Every `access_token` query parameter of the request URL. */
function queryTokens(url: string | undefined): string[] {
  if (url === undefined) return [];
  const q = url.indexOf('?');
  if (q < 0) return [];
  const hash = url.indexOf('#', q);
  return new URLSearchParams(url.slice(q + 1, hash < 0 ? undefined : hash)).getAll('access_token');
}

/**
 * The shape of nearly every request, answered without allocating: Node `rawHeaders` with exactly one
 * `Authorization: Bearer <credential>` (one space, no comma, no surrounding whitespace) and no query
 * string. `undefined` sends anything else through the general rules, which decide every error.
 */
function commonCase(input: RequestLike, deferSyntax: boolean): string | undefined {
  const raw = input.rawHeaders;
  const url = input.url;
  if (raw === undefined || url?.includes('?')) return undefined;
  let value: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (isAuthorizationName(raw[i] as string)) {
      if (value !== undefined) return undefined;
      value = raw[i + 1];
    }
  }
  if (value === undefined || value.length < 8 || !value.startsWith('Bearer ')) return undefined;
  const token = value.slice(7);
  if (token.charCodeAt(0) <= 32 || token.charCodeAt(token.length - 1) <= 32 || token.includes(','))
    return undefined;
  if (!deferSyntax && !isB64token(token)) return undefined;
  return token;
}

/** The `invalid_request` error of a header credential that is not a `b64token`. */
export function malformedAuthorization(realm: string) {
  return guardErrors.invalidRequest(realm, DESCRIPTIONS.malformedAuthorization, 'malformed_authorization');
}

/**
 * Extracts the bearer token per RFC 6750 §2.1 and §2.3. Returns `undefined` when the request carries no
 * bearer credentials (an `Authorization` header with another scheme counts as none).
 * Throws `invalid_request` for two tokens, a query token when not allowed, or a malformed header.
 *
 * `deferHeaderSyntax`: the `b64token` syntax of a (non-empty) header credential is left to the caller,
 * which checks it only when verification fails: a token that verifies is a JWS, which is a `b64token`,
 * so the hot path (a cached or valid token) skips a scan of the whole token. Only for callers that
 * refuse query tokens: a deferred failure must be the header's.
 */
export function extractToken(
  input: RequestLike,
  realm: string,
  allowQueryToken: boolean,
  deferHeaderSyntax = false,
): string | undefined {
  const common = commonCase(input, deferHeaderSyntax);
  if (common !== undefined) return common;
  const found: string[] = [];
  for (const value of authorizationValues(input)) {
    // A fetch `Headers` object joins duplicates with ", "; a comma never occurs in one credential.
    for (const part of value.includes(',') ? value.split(',') : [value]) {
      const trimmed = part.trim();
      if (trimmed === '') continue;
      const space = trimmed.indexOf(' ');
      const scheme = space < 0 ? trimmed : trimmed.slice(0, space);
      if (!BEARER.test(scheme)) continue;
      const credentials = space < 0 ? '' : trimmed.slice(space + 1).trim();
      if (credentials === '' || (!deferHeaderSyntax && !isB64token(credentials))) {
        throw malformedAuthorization(realm);
      }
      found.push(credentials);
    }
  }
  const inQuery = queryTokens(input.url);
  if (inQuery.length > 0 && !allowQueryToken) {
    throw guardErrors.invalidRequest(realm, DESCRIPTIONS.queryTokenNotAllowed, 'query_token');
  }
  found.push(...inQuery);
  if (found.length > 1)
    throw guardErrors.invalidRequest(realm, DESCRIPTIONS.multipleTokens, 'multiple_tokens');
  return found[0];
}
