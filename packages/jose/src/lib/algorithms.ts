/**
 * The algorithm table (RFC 7518 §3, RFC 8037 §3.1): one row per supported JWS `alg`, with
 * everything a key must satisfy to be bound to it. `none` is deliberately absent: an unsecured
 * JWS cannot be expressed with this package at all.
 */

/** A JWS algorithm this package supports. */
export type Alg =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

/** Family of an algorithm, which decides the key type and the primitive. */
export type AlgFamily = 'hmac' | 'rsa' | 'pss' | 'ec' | 'ed';

/** One row of the algorithm table. */
export interface AlgSpec {
  readonly alg: Alg;
  readonly family: AlgFamily;
  /** node hash name, `null` for EdDSA (the hash is part of Ed25519). */
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
  /** Hash output length in bytes (HMAC minimum key size, PSS salt length). */
  readonly hashLength: number;
  /** JWK `crv` for EC/OKP keys. */
  readonly crv?: 'P-256' | 'P-384' | 'P-521' | 'Ed25519';
  /** node's `namedCurve` for EC keys. */
  readonly namedCurve?: 'prime256v1' | 'secp384r1' | 'secp521r1';
  /** Exact signature length in bytes where it is fixed (HMAC tag, ECDSA r||s, Ed25519). */
  readonly signatureLength?: number;
}

const row = (spec: AlgSpec): AlgSpec => Object.freeze(spec);

/** Every supported algorithm by name. A null-prototype object, so `'__proto__'` etc. are not found. */
export const ALGORITHMS: Readonly<Record<string, AlgSpec | undefined>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, AlgSpec>, {
    HS256: row({ alg: 'HS256', family: 'hmac', hash: 'sha256', hashLength: 32, signatureLength: 32 }),
    HS384: row({ alg: 'HS384', family: 'hmac', hash: 'sha384', hashLength: 48, signatureLength: 48 }),
    HS512: row({ alg: 'HS512', family: 'hmac', hash: 'sha512', hashLength: 64, signatureLength: 64 }),
    RS256: row({ alg: 'RS256', family: 'rsa', hash: 'sha256', hashLength: 32 }),
    RS384: row({ alg: 'RS384', family: 'rsa', hash: 'sha384', hashLength: 48 }),
    RS512: row({ alg: 'RS512', family: 'rsa', hash: 'sha512', hashLength: 64 }),
    PS256: row({ alg: 'PS256', family: 'pss', hash: 'sha256', hashLength: 32 }),
    PS384: row({ alg: 'PS384', family: 'pss', hash: 'sha384', hashLength: 48 }),
    PS512: row({ alg: 'PS512', family: 'pss', hash: 'sha512', hashLength: 64 }),
    ES256: row({
      alg: 'ES256',
      family: 'ec',
      hash: 'sha256',
      hashLength: 32,
      crv: 'P-256',
      namedCurve: 'prime256v1',
      signatureLength: 64,
    }),
    ES384: row({
      alg: 'ES384',
      family: 'ec',
      hash: 'sha384',
      hashLength: 48,
      crv: 'P-384',
      namedCurve: 'secp384r1',
      signatureLength: 96,
    }),
    ES512: row({
      alg: 'ES512',
      family: 'ec',
      hash: 'sha512',
      hashLength: 64,
      crv: 'P-521',
      namedCurve: 'secp521r1',
      signatureLength: 132,
    }),
    EdDSA: row({
      alg: 'EdDSA',
      family: 'ed',
      hash: null,
      hashLength: 64,
      crv: 'Ed25519',
      signatureLength: 64,
    }),
  }),
);

/** All supported algorithm names, in table order. */
export const ALG_NAMES: readonly Alg[] = Object.freeze(Object.keys(ALGORITHMS) as Alg[]);

/**
 * The asymmetric algorithms, in order of preference (ES256 first: short signatures, fast signing).
 * What a verifier of someone else's tokens should allow: an HMAC algorithm needs a shared secret.
 */
export const ASYMMETRIC_ALG_NAMES: readonly Alg[] = Object.freeze([
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
] satisfies Alg[]);

/** Looks up an algorithm; `undefined` for anything unknown, including `none`. */
export function algSpec(alg: unknown): AlgSpec | undefined {
  return typeof alg === 'string' ? ALGORITHMS[alg] : undefined;
}

/** True when `alg` names a supported algorithm. */
export function isAlg(alg: unknown): alg is Alg {
  return algSpec(alg) !== undefined;
}

/** Coordinate byte length of each supported curve (RFC 7518 §6.2.1.2: full length, leading zeros kept). */
export const CURVE_COORD_LENGTH: Readonly<Record<string, number>> = Object.freeze({
  'P-256': 32,
  'P-384': 48,
  'P-521': 66,
  Ed25519: 32,
});
