/**
 * JWK thumbprints (RFC 7638).
 */
import { createHash } from 'node:crypto';
import { KeyInvalid } from '../errors.js';
import { INTERNAL, isKey, type Key } from '../lib/key.js';
import type { Jwk } from './import.js';

/** RFC 7638 §3.2: the required members of each key type, in lexicographic order. */
const REQUIRED: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
  oct: ['k', 'kty'],
};

/** The RFC 7638 canonical JSON of the public members of a JWK. */
export function thumbprintInput(jwk: Jwk): string {
  const members = REQUIRED[jwk.kty];
  if (members === undefined) throw new KeyInvalid('unsupported JWK "kty" for a thumbprint');
  const parts: string[] = [];
  for (const m of members) {
    const v = jwk[m];
    if (typeof v !== 'string') throw new KeyInvalid(`JWK "${m}" is required for a thumbprint`);
    parts.push(`${JSON.stringify(m)}:${JSON.stringify(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * Computes the RFC 7638 thumbprint of a JWK or a key, base64url-encoded.
 *
 * @example
 * ```ts
 * const kid = jwkThumbprint(exportJwk(publicKey)); // e.g. 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
 * ```
 */
export function jwkThumbprint(jwk: Jwk | Key, digest: 'sha256' | 'sha384' | 'sha512' = 'sha256'): string {
  if (digest !== 'sha256' && digest !== 'sha384' && digest !== 'sha512') {
    throw new TypeError('"digest" must be sha256, sha384 or sha512');
  }
  let source: Jwk;
  if (isKey(jwk)) {
    const internal = jwk[INTERNAL];
    const ko = jwk.type === 'secret' ? internal.keyObject : internal.verifyKeyObject;
    source = ko.export({ format: 'jwk' }) as Jwk;
  } else {
    if (typeof jwk !== 'object' || jwk === null) throw new TypeError('"jwk" must be an object or a Key');
    source = jwk as Jwk;
  }
  return createHash(digest).update(thumbprintInput(source)).digest('base64url');
}
