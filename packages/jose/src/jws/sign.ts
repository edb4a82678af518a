/**
 * Compact JWS signing (RFC 7515 §7.1).
 */
import { encodeBase64url } from '../lib/base64url.js';
import { encodeHeader, signerOf, signSegments } from '../lib/jws_sign.js';
import type { Key } from '../lib/key.js';

/**
 * Signs arbitrary bytes (or a UTF-8 string) as a compact JWS. The header's `alg` is the key's;
 * `kid` is the key's unless `header.kid` is given (`kid: undefined` omits it).
 *
 * @throws {TypeError} when the key cannot sign or the header sets another `alg` or `b64`.
 * @example
 * ```ts
 * const jws = signCompact('hello', secret, { typ: 'example' });
 * ```
 */
export function signCompact(
  payload: Uint8Array | string,
  key: Key,
  header?: Record<string, unknown>,
): string {
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    throw new TypeError('"payload" must be a string or a Uint8Array');
  }
  const sign = signerOf(key);
  return signSegments(sign, encodeHeader(key, header), encodeBase64url(payload));
}
