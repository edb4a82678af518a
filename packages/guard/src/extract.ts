import { DESCRIPTIONS, guardErrors } from './errors.js';
import type { HeaderBag, RequestLike } from './types.js';

/** RFC 6750 §2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const BEARER = /^bearer$/i;

function isFetchHeaders(headers: HeaderBag): headers is { get(name: string): string | null } {
  return typeof (headers as { get?: unknown }).get === 'function';
}

/** Every `Authorization` value of a request, duplicates included. */
function authorizationValues(input: RequestLike): string[] {
  // Node keeps only the first of duplicate Authorization headers in `headers`; `rawHeaders` has them all,
  // and a second token must be refused rather than silently ignored (RFC 6750 §2: one method, one token).
  if (input.rawHeaders !== undefined) {
    const out: string[] = [];
    for (let i = 0; i + 1 < input.rawHeaders.length; i += 2) {
      if (input.rawHeaders[i]!.toLowerCase() === 'authorization') out.push(input.rawHeaders[i + 1]!);
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
 * Extracts the bearer token per RFC 6750 §2.1 and §2.3. Returns `undefined` when the request carries no
 * bearer credentials (an `Authorization` header with another scheme counts as none).
 * Throws `invalid_request` for two tokens, a query token when not allowed, or a malformed header.
 */
export function extractToken(
  input: RequestLike,
  realm: string,
  allowQueryToken: boolean,
): string | undefined {
  const found: string[] = [];
  for (const value of authorizationValues(input)) {
    // A fetch `Headers` object joins duplicates with ", "; a comma never occurs in one credential.
    for (const part of value.split(',')) {
      const trimmed = part.trim();
      if (trimmed === '') continue;
      const space = trimmed.indexOf(' ');
      const scheme = space < 0 ? trimmed : trimmed.slice(0, space);
      if (!BEARER.test(scheme)) continue;
      const credentials = space < 0 ? '' : trimmed.slice(space + 1).trim();
      if (!B64TOKEN.test(credentials)) {
        throw guardErrors.invalidRequest(
          realm,
          DESCRIPTIONS.malformedAuthorization,
          'malformed_authorization',
        );
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
