/**
 * The internal representation of a key: a node `KeyObject` bound to one algorithm, with its sign and
 * verify closures prepared once at import so the hot path does no per-call lookups or allocations
 * beyond what OpenSSL needs.
 */
import { constants, createHmac, type KeyObject, sign, verify } from 'node:crypto';
import type { Alg, AlgSpec } from './algorithms.js';
import { decodeStrictRangeNoStd } from './base64url.js';

/** Symbol under which the internal state hangs off a public {@link Key}. Not exported from the package. */
export const INTERNAL: unique symbol = Symbol('signet.jose.key');

/** Signs the JWS signing input (ASCII). */
export type SignFn = (input: string) => Buffer;
/** Verifies raw bytes given as a latin1 string (one char per byte) against the signature bytes. Never throws. */
export type VerifyFn = (input: string, signature: Buffer) => boolean;
/**
 * Verifies the JWS signing input against the signature segment: the hot path, which avoids
 * decoding the HMAC tag. The caller has refused `+` and `/` in the segment (Node's decoder would take
 * them); any other foreign character fails the strict decoding. Never throws.
 */
export type VerifySegmentFn = (input: string, signature: string) => boolean;

/** Internal state of a key. */
export interface KeyInternal {
  readonly spec: AlgSpec;
  readonly keyObject: KeyObject;
  /** The public KeyObject for asymmetric keys, the secret for HMAC. */
  readonly verifyKeyObject: KeyObject;
  readonly sign: SignFn | undefined;
  readonly verify: VerifyFn | undefined;
  readonly verifySegment: VerifySegmentFn | undefined;
}

/** A key bound to exactly one algorithm, checked once at import. Immutable. */
export interface Key {
  /** The one algorithm this key signs or verifies with. */
  readonly alg: Alg;
  /** Key id, when known. */
  readonly kid: string | undefined;
  /** `secret` (HMAC), `public` or `private`. */
  readonly type: 'secret' | 'public' | 'private';
}

/** Concrete key class; its internal field is keyed by a non-exported symbol. */
export class KeyImpl implements Key {
  readonly alg: Alg;
  readonly kid: string | undefined;
  readonly type: 'secret' | 'public' | 'private';
  readonly [INTERNAL]: KeyInternal;
  constructor(alg: Alg, kid: string | undefined, type: Key['type'], internal: KeyInternal) {
    this.alg = alg;
    this.kid = kid;
    this.type = type;
    this[INTERNAL] = internal;
    Object.freeze(this);
  }
  /** Keeps key material out of `console.log` and `JSON.stringify`. */
  toJSON(): { alg: Alg; kid: string | undefined; type: Key['type'] } {
    return { alg: this.alg, kid: this.kid, type: this.type };
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Key { alg: '${this.alg}', type: '${this.type}'${this.kid === undefined ? '' : ", kid: '" + this.kid + "'"} }`;
  }
}

/** True for keys made by this package. */
export function isKey(value: unknown): value is KeyImpl {
  return value instanceof KeyImpl;
}

/** Internal state of a key made by this package; TypeError for anything else. */
export function internalOf(key: Key, what = 'key'): KeyInternal {
  if (!(key instanceof KeyImpl))
    throw new TypeError(`"${what}" must be a Key from importJwk/importPem/generate*`);
  return key[INTERNAL];
}

/** Builds the sign closure for a private or secret KeyObject. */
export function makeSign(spec: AlgSpec, keyObject: KeyObject): SignFn {
  const hash = spec.hash;
  switch (spec.family) {
    case 'hmac': {
      const h = hash as string;
      // node's createHmac is measurably faster with the raw bytes than with a KeyObject.
      const secret = keyObject.export();
      return (input) => createHmac(h, secret).update(input, 'utf8').digest();
    }
    case 'rsa':
      return (input) => sign(hash, Buffer.from(input, 'utf8'), keyObject);
    case 'pss': {
      // RFC 7518 §3.5: salt length equals the hash output, MGF1 with the same hash (OpenSSL's
      // default MGF1 hash is the signature hash).
      const opts = { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.hashLength };
      return (input) => sign(hash, Buffer.from(input, 'utf8'), opts);
    }
    case 'ec': {
      // RFC 7518 §3.4: JOSE carries r||s (IEEE P1363), never DER.
      const opts = { key: keyObject, dsaEncoding: 'ieee-p1363' as const };
      return (input) => sign(hash, Buffer.from(input, 'utf8'), opts);
    }
    case 'ed':
      return (input) => sign(null, Buffer.from(input, 'utf8'), keyObject);
  }
}

/** Builds the byte-signature verify function from the segment one. */
export function makeVerifyBytes(spec: AlgSpec, segment: VerifySegmentFn): VerifyFn {
  if (spec.family === 'hmac') {
    const len = spec.signatureLength as number;
    return (input, sig) => sig.length === len && segment(input, sig.toString('base64url'));
  }
  return (input, sig) => segment(input, sig.toString('base64url'));
}

/**
 * Builds the verify closure for a public or secret KeyObject. `encoding` turns the input text into
 * bytes: `utf8` for tokens (distinct strings give distinct bytes, so a token with a character
 * outside ASCII can never share a signature with its ASCII twin, as it could under `latin1`, which
 * drops the high byte); `latin1` only for the raw-bytes API, where each char is one byte.
 */
export function makeVerify(
  spec: AlgSpec,
  keyObject: KeyObject,
  encoding: 'utf8' | 'latin1' = 'utf8',
): VerifySegmentFn {
  const hash = spec.hash;
  const fixed = spec.signatureLength;
  switch (spec.family) {
    case 'hmac': {
      const h = hash as string;
      const secret = keyObject.export();
      // The expected tag is computed in base64url and compared with the segment as text: the
      // canonical encoding of the full tag is the only string that matches, so truncated tags and
      // non-canonical encodings fail too, and no decoding is needed.
      const chars = Math.ceil(((fixed as number) * 4) / 3);
      return (input, sig) => {
        if (sig.length !== chars) return false;
        return constantTimeEqual(createHmac(h, secret).update(input, encoding).digest('base64url'), sig);
      };
    }
    case 'rsa':
      return (input, sig) => safeVerify(hash, input, encoding, keyObject, sig);
    case 'pss': {
      const opts = { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.hashLength };
      return (input, sig) => safeVerify(hash, input, encoding, opts, sig);
    }
    case 'ec': {
      const opts = { key: keyObject, dsaEncoding: 'ieee-p1363' as const };
      const chars = Math.ceil(((fixed as number) * 4) / 3);
      // Exactly 2·|n| bytes: refuses DER and any other length before OpenSSL sees it. OpenSSL then
      // rejects r or s equal to 0 or ≥ n.
      return (input, sig) => sig.length === chars && safeVerify(hash, input, encoding, opts, sig);
    }
    case 'ed': {
      const chars = Math.ceil(((fixed as number) * 4) / 3);
      return (input, sig) => sig.length === chars && safeVerify(null, input, encoding, keyObject, sig);
    }
  }
}

/** Compares two equal-length ASCII strings in time independent of where they differ. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

type VerifyKey = Parameters<typeof verify>[2];

function safeVerify(
  hash: string | null,
  input: string,
  encoding: 'utf8' | 'latin1',
  key: VerifyKey,
  sig: string,
): boolean {
  const bytes = decodeStrictRangeNoStd(sig, 0, sig.length);
  if (bytes === undefined) return false;
  try {
    return verify(hash, Buffer.from(input, encoding), key, bytes);
  } catch {
    return false;
  }
}
