/**
 * JWK export and the public half of a private key.
 */
import { internalOf, type Key, KeyImpl } from '../lib/key.js';
import type { Jwk } from './import.js';

/** Options of {@link exportJwk}. */
export interface ExportJwkOptions {
  /** Include private members (`d`…, or `k` for secrets). Required for secret keys. */
  private?: boolean;
}

/**
 * Exports a key as a JWK with its `kid`, `alg` and `use: 'sig'`. Public by default.
 *
 * @throws {TypeError} `private: true` on a public key, or a secret key without `private: true`.
 * @example
 * ```ts
 * const jwks = { keys: [exportJwk(publicKey)] };
 * ```
 */
export function exportJwk(key: Key, options: ExportJwkOptions = {}): Jwk {
  const internal = internalOf(key);
  const wantPrivate = options.private === true;
  if (wantPrivate && key.type === 'public') throw new TypeError('"private" export of a public key');
  if (!wantPrivate && key.type === 'secret') {
    throw new TypeError('a secret key has no public part: pass { private: true } to export it');
  }
  const source = wantPrivate ? internal.keyObject : internal.verifyKeyObject;
  const jwk = source.export({ format: 'jwk' }) as Jwk;
  if (key.kid !== undefined) jwk.kid = key.kid;
  jwk.alg = key.alg;
  jwk.use = 'sig';
  return jwk;
}

/**
 * Returns the public half of a private key (the same key when it is already public).
 *
 * @throws {TypeError} for secret keys.
 * @example
 * ```ts
 * const verifyKey = publicKeyOf(privateKey);
 * ```
 */
export function publicKeyOf(key: Key): Key {
  const internal = internalOf(key);
  if (key.type === 'public') return key;
  if (key.type === 'secret') throw new TypeError('a secret key has no public part');
  return new KeyImpl(key.alg, key.kid, 'public', {
    spec: internal.spec,
    keyObject: internal.verifyKeyObject,
    verifyKeyObject: internal.verifyKeyObject,
    sign: undefined,
    verify: internal.verify,
    verifySegment: internal.verifySegment,
  });
}
