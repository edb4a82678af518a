/**
 * Compact JWS signing engine (RFC 7515 §5.1), shared by `signCompact` and the JWT signer.
 */
import { internalOf, type Key, type SignFn } from './key.js';

/** Header parameters a caller may not set: the algorithm is the key's, and RFC 7797 is not supported. */
const RESERVED = new Set(['alg', 'b64']);

/** Returns the key's sign function, or throws TypeError when the key cannot sign. */
export function signerOf(key: Key): SignFn {
  const sign = internalOf(key)?.sign;
  if (sign === undefined) {
    throw new TypeError(
      key.type === 'public' ? '"key" is a public key and cannot sign' : '"key" may not sign (JWK "key_ops")',
    );
  }
  return sign;
}

/** Builds the protected header segment: `alg` from the key, `kid` from the key unless given. */
export function encodeHeader(key: Key, extra: Record<string, unknown> | undefined): string {
  const header: Record<string, unknown> = { alg: key.alg };
  if (extra !== undefined) {
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
      throw new TypeError('"header" must be an object');
    }
    for (const [name, value] of Object.entries(extra)) {
      if (name === 'alg') {
        if (value !== key.alg) throw new TypeError('"header.alg" must equal the key\'s algorithm');
        continue;
      }
      if (RESERVED.has(name)) throw new TypeError(`"header.${name}" is not supported`);
      if (value !== undefined) header[name] = value;
    }
  }
  // `kid` is the key's unless the caller set it; an explicit `kid: undefined` leaves it out.
  if (key.kid !== undefined && !(extra !== undefined && 'kid' in extra)) header.kid = key.kid;
  return Buffer.from(JSON.stringify(header), 'utf8').toString('base64url');
}

/** Signs `headerSegment.payloadSegment` and returns the full compact JWS. */
export function signSegments(sign: SignFn, headerSegment: string, payloadSegment: string): string {
  const input = headerSegment + '.' + payloadSegment;
  return input + '.' + sign(input).toString('base64url');
}
