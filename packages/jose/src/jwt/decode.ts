/**
 * Decoding without verification, for diagnostics only.
 */
import { JwsInvalid, JwtInvalid } from '../errors.js';
import { decodeStrictRange } from '../lib/base64url.js';
import type { JwtClaims } from '../lib/claims.js';
import { decodeJsonObject } from '../lib/decode.js';
import type { JwsHeader } from '../lib/header.js';
import { DEFAULT_MAX_TOKEN_SIZE, splitCompact } from '../lib/jws_verify.js';

/**
 * Decodes a JWT's header and payload WITHOUT verifying anything. Never use the result for an
 * authorization decision. The same strict parsing as verification applies (size, shape,
 * base64url, JSON), but no algorithm, key, `crit` or claim check.
 *
 * @throws {JwsInvalid} / {JwtInvalid} for malformed tokens.
 * @example
 * ```ts
 * const { header, payload } = decodeUnverified(token); // e.g. to print it in a CLI
 * ```
 */
export function decodeUnverified(token: string): { header: JwsHeader; payload: JwtClaims } {
  const { dot1, dot2, header } = splitCompact(token, DEFAULT_MAX_TOKEN_SIZE);
  const bytes = decodeStrictRange(token, dot1 + 1, dot2);
  if (bytes === undefined) throw new JwsInvalid('JWS payload is not strict base64url');
  const payload = decodeJsonObject(bytes, JwtInvalid, 'JWT payload') as JwtClaims;
  return { header, payload };
}
