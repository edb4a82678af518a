/**
 * The internal representation of a key: a node `KeyObject` bound to one algorithm, with its sign and
 * verify closures prepared once at import so the hot path does no per-call lookups or allocations
 * beyond what OpenSSL needs.
 */
import { constants, createHmac, type KeyObject, sign, timingSafeEqual, verify } from 'node:crypto';
import type { Alg, AlgSpec } from './algorithms.js';

/** Symbol under which the internal state hangs off a public {@link Key}. Not exported from the package. */
export const INTERNAL: unique symbol = Symbol('signet.jose.key');

/** Signs the JWS signing input (ASCII). */
export type SignFn = (input: string) => Buffer;
/** Verifies the JWS signing input (ASCII) against the signature bytes. Never throws. */
export type VerifyFn = (input: string, signature: Buffer) => boolean;

/** Internal state of a key. */
export interface KeyInternal {
  readonly spec: AlgSpec;
  readonly keyObject: KeyObject;
  /** The public KeyObject for asymmetric keys, the secret for HMAC. */
  readonly verifyKeyObject: KeyObject;
  readonly sign: SignFn | undefined;
  readonly verify: VerifyFn | undefined;
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
      return (input) => createHmac(h, keyObject).update(input, 'latin1').digest();
    }
    case 'rsa':
      return (input) => sign(hash, Buffer.from(input, 'latin1'), keyObject);
    case 'pss': {
      // RFC 7518 §3.5: salt length equals the hash output, MGF1 with the same hash (OpenSSL's
      // default MGF1 hash is the signature hash).
      const opts = { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.hashLength };
      return (input) => sign(hash, Buffer.from(input, 'latin1'), opts);
    }
    case 'ec': {
      // RFC 7518 §3.4: JOSE carries r||s (IEEE P1363), never DER.
      const opts = { key: keyObject, dsaEncoding: 'ieee-p1363' as const };
      return (input) => sign(hash, Buffer.from(input, 'latin1'), opts);
    }
    case 'ed':
      return (input) => sign(null, Buffer.from(input, 'latin1'), keyObject);
  }
}

/** Builds the verify closure for a public or secret KeyObject. */
export function makeVerify(spec: AlgSpec, keyObject: KeyObject): VerifyFn {
  const hash = spec.hash;
  const fixed = spec.signatureLength;
  switch (spec.family) {
    case 'hmac': {
      const h = hash as string;
      const len = fixed as number;
      return (input, sig) => {
        // Length first: timingSafeEqual needs equal lengths, and a truncated tag must never pass.
        if (sig.length !== len) return false;
        return timingSafeEqual(createHmac(h, keyObject).update(input, 'latin1').digest(), sig);
      };
    }
    case 'rsa':
      return (input, sig) => safeVerify(hash, input, keyObject, sig);
    case 'pss': {
      const opts = { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.hashLength };
      return (input, sig) => safeVerify(hash, input, opts, sig);
    }
    case 'ec': {
      const opts = { key: keyObject, dsaEncoding: 'ieee-p1363' as const };
      const len = fixed as number;
      // Exactly 2·|n| bytes: refuses DER and any other length before OpenSSL sees it. OpenSSL then
      // rejects r or s equal to 0 or ≥ n.
      return (input, sig) => sig.length === len && safeVerify(hash, input, opts, sig);
    }
    case 'ed': {
      const len = fixed as number;
      return (input, sig) => sig.length === len && safeVerify(null, input, keyObject, sig);
    }
  }
}

type VerifyKey = Parameters<typeof verify>[2];

function safeVerify(hash: string | null, input: string, key: VerifyKey, sig: Buffer): boolean {
  try {
    return verify(hash, Buffer.from(input, 'latin1'), key, sig);
  } catch {
    return false;
  }
}
