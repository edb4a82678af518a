/**
 * The internal representation of a key: a node `KeyObject` bound to one algorithm, with its sign and
 * verify closures prepared once at import so the hot path does no per-call lookups or allocations
 * beyond what OpenSSL needs.
 */
import { constants, createHmac, createSign, createVerify, type KeyObject, sign, verify } from 'node:crypto';
import type { Alg, AlgSpec } from './algorithms.js';
import { canonicalTail } from './base64url.js';

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
      return (input) => streamSign(hash as string, input, keyObject);
    case 'pss': {
      // RFC 7518 §3.5: salt length equals the hash output, MGF1 with the same hash (OpenSSL's
      // default MGF1 hash is the signature hash).
      const opts = { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.hashLength };
      return (input) => streamSign(hash as string, input, opts);
    }
    case 'ec': {
      // RFC 7518 §3.4: JOSE carries r||s (IEEE P1363), never DER.
      const opts = { key: keyObject, dsaEncoding: 'ieee-p1363' as const };
      return (input) => streamSign(hash as string, input, opts);
    }
    case 'ed':
      return (input) => sign(null, Buffer.from(input, 'utf8'), keyObject);
  }
}

/**
 * Signs the input text with streaming `createSign`: less per call than one-shot `sign` (no job
 * object), and the text goes in without a Buffer. Ed25519 has no streaming form.
 */
function streamSign(hash: string, input: string, key: SignKey): Buffer {
  const signer = createSign(hash);
  signer.update(input, 'utf8');
  return signer.sign(key);
}

type SignKey = Parameters<typeof sign>[2];

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
      return signatureVerifier(hash, keyObject, rsaBytes(keyObject), encoding);
    case 'pss': {
      const opts = { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.hashLength };
      return signatureVerifier(hash, opts, rsaBytes(keyObject), encoding);
    }
    case 'ec':
      // Exactly 2·|n| bytes (IEEE P1363): refuses DER and any other length before OpenSSL sees it.
      // OpenSSL then rejects r or s equal to 0 or ≥ n.
      return signatureVerifier(
        hash,
        { key: keyObject, dsaEncoding: 'ieee-p1363' },
        fixed as number,
        encoding,
      );
    case 'ed':
      return signatureVerifier(null, keyObject, fixed as number, encoding);
  }
}

/** Length in bytes of an RSA key's signatures (RFC 8017 §8.2.2: exactly the modulus length). */
function rsaBytes(keyObject: KeyObject): number {
  return Math.ceil((keyObject.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
}

type VerifyKey = Parameters<typeof verify>[2];

/**
 * The verify closure of an asymmetric key, for signatures of exactly `bytes` bytes (the modulus
 * length for RSA, 2·|n| for ECDSA, 64 for Ed25519): any other length fails before OpenSSL sees it.
 *
 * The segment is decoded into a Buffer the closure owns: verification is synchronous and OpenSSL
 * has read the bytes when it returns, so one Buffer per key serves every call. Strictness: the
 * caller has refused `+` and `/`; the length and trailing bits are checked here, and any other
 * foreign character shortens the decoded length. Streaming `createVerify` costs less per call
 * than one-shot `verify` (no job object) and takes the input text without a Buffer; Ed25519 has no
 * streaming form. Never throws.
 */
function signatureVerifier(
  hash: string | null,
  key: VerifyKey,
  bytes: number,
  encoding: 'utf8' | 'latin1',
): VerifySegmentFn {
  const chars = Math.ceil((bytes * 4) / 3);
  const signature = Buffer.alloc(bytes);
  return (input, segment) => {
    if (segment.length !== chars || !canonicalTail(segment, 0, chars)) return false;
    if (signature.write(segment, 0, 'base64url') !== bytes) return false;
    try {
      if (hash === null) return verify(null, Buffer.from(input, encoding), key, signature);
      const verifier = createVerify(hash);
      verifier.update(input, encoding);
      return verifier.verify(key, signature);
    } catch {
      return false;
    }
  };
}

/** Compares two equal-length ASCII strings in time independent of where they differ. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
