/**
 * Raw-bytes access to a key's own verify function, the one the JWS layer calls. Primitive test
 * vectors (Wycheproof ECDSA, EdDSA, HMAC, RSA) sign arbitrary messages, not JWS signing inputs, so
 * the conformance tests reach the per-algorithm check through here. Internal: not exported from
 * the package index.
 */
import { internalOf, type Key } from './key.js';

/**
 * Verifies `signature` over the raw bytes `data` with exactly the checks a JWS verification of
 * this key applies (signature length, PSS salt, curve). Never throws for a bad signature.
 *
 * @throws {TypeError} when `key` cannot verify (not a Key of this package, or a key without a verify half).
 * @example
 * ```ts
 * verifyRaw(importJwk(jwk, { alg: 'ES256' }), message, signature); // true or false
 * ```
 */
export function verifyRaw(key: Key, data: Uint8Array, signature: Uint8Array): boolean {
  // The key's raw-bytes check: the same per-algorithm closure as the compact verifier's (length,
  // PSS salt, curve), fed the message as latin1 text (one char per byte) and the signature bytes.
  const verify = internalOf(key).verify;
  if (verify === undefined) throw new TypeError('"key" cannot verify');
  return verify(Buffer.from(data).toString('latin1'), Buffer.from(signature));
}
