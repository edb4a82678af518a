/**
 * Typed errors of `@signet/jose`. Every failure caused by a token, a key or a key set is a
 * {@link JoseError} subclass with a stable `code`; programmer misuse throws `TypeError`.
 * Messages never contain a token, a secret or key material.
 */

/**
 * Base class of every error this package throws for a bad token, key or key set.
 *
 * @example
 * ```ts
 * try { verify(token); } catch (e) { if (e instanceof JoseError) console.log(e.code); }
 * ```
 */
export class JoseError extends Error {
  /** Stable machine-readable code, e.g. `ERR_JWS_INVALID`. */
  readonly code: string = 'ERR_JOSE_GENERIC';
  static readonly code: string = 'ERR_JOSE_GENERIC';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The compact serialization or the protected header is malformed. @example `e.code === 'ERR_JWS_INVALID'` */
export class JwsInvalid extends JoseError {
  override readonly code = 'ERR_JWS_INVALID';
  static override readonly code = 'ERR_JWS_INVALID';
}

/** The signature does not verify with the selected key. @example `e.code === 'ERR_JWS_SIGNATURE_INVALID'` */
export class JwsSignatureInvalid extends JoseError {
  override readonly code = 'ERR_JWS_SIGNATURE_INVALID';
  static override readonly code = 'ERR_JWS_SIGNATURE_INVALID';
}

/** The token's `alg` is not allowed (not the key's algorithm, not in `algorithms`, or `none`). @example `e.code === 'ERR_JOSE_ALG_NOT_ALLOWED'` */
export class JoseAlgNotAllowed extends JoseError {
  override readonly code = 'ERR_JOSE_ALG_NOT_ALLOWED';
  static override readonly code = 'ERR_JOSE_ALG_NOT_ALLOWED';
}

/** A feature the token or key asks for is not supported (unknown `crit` extension, `b64`, key type). @example `e.code === 'ERR_JOSE_NOT_SUPPORTED'` */
export class JoseNotSupported extends JoseError {
  override readonly code = 'ERR_JOSE_NOT_SUPPORTED';
  static override readonly code = 'ERR_JOSE_NOT_SUPPORTED';
}

/** The JWT payload is not a JSON object. @example `e.code === 'ERR_JWT_INVALID'` */
export class JwtInvalid extends JoseError {
  override readonly code = 'ERR_JWT_INVALID';
  static override readonly code = 'ERR_JWT_INVALID';
}

/** Why a claim was refused. */
export type ClaimFailureReason = 'missing' | 'mismatch' | 'type' | 'too_old';

/** A claim (or the `typ` header) is missing, has the wrong type or value. @example `e.claim === 'aud' && e.reason === 'mismatch'` */
export class JwtClaimInvalid extends JoseError {
  override readonly code: string = 'ERR_JWT_CLAIM_INVALID';
  static override readonly code: string = 'ERR_JWT_CLAIM_INVALID';
  /** The claim name, e.g. `aud`, or `typ` for the header check. */
  readonly claim: string;
  /** Why it failed. */
  readonly reason: ClaimFailureReason | string;
  constructor(message: string, claim: string, reason: ClaimFailureReason | string) {
    super(message);
    this.claim = claim;
    this.reason = reason;
  }
}

/** `exp` is in the past (beyond `clockTolerance`). @example `e.code === 'ERR_JWT_EXPIRED'` */
export class JwtExpired extends JwtClaimInvalid {
  override readonly code = 'ERR_JWT_EXPIRED';
  static override readonly code = 'ERR_JWT_EXPIRED';
  constructor(message: string) {
    super(message, 'exp', 'expired');
  }
}

/** `nbf` is in the future (beyond `clockTolerance`). @example `e.code === 'ERR_JWT_NOT_YET_VALID'` */
export class JwtNotYetValid extends JwtClaimInvalid {
  override readonly code = 'ERR_JWT_NOT_YET_VALID';
  static override readonly code = 'ERR_JWT_NOT_YET_VALID';
  constructor(message: string) {
    super(message, 'nbf', 'not_yet_valid');
  }
}

/** No key in the key set matches the token's `kid` and `alg`. @example `e.code === 'ERR_JWKS_NO_MATCHING_KEY'` */
export class JwksNoMatchingKey extends JoseError {
  override readonly code = 'ERR_JWKS_NO_MATCHING_KEY';
  static override readonly code = 'ERR_JWKS_NO_MATCHING_KEY';
}

/** More than one key matches and the policy refuses to guess. @example `e.code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS'` */
export class JwksMultipleMatchingKeys extends JoseError {
  override readonly code = 'ERR_JWKS_MULTIPLE_MATCHING_KEYS';
  static override readonly code = 'ERR_JWKS_MULTIPLE_MATCHING_KEYS';
}

/** Fetching a remote JWKS took longer than `timeout`. @example `e.code === 'ERR_JWKS_TIMEOUT'` */
export class JwksTimeout extends JoseError {
  override readonly code = 'ERR_JWKS_TIMEOUT';
  static override readonly code = 'ERR_JWKS_TIMEOUT';
}

/** A remote JWKS could not be fetched, was too big, or is not `{ "keys": [...] }`. @example `e.code === 'ERR_JWKS_INVALID'` */
export class JwksInvalid extends JoseError {
  override readonly code = 'ERR_JWKS_INVALID';
  static override readonly code = 'ERR_JWKS_INVALID';
}

/** A key was refused at import (weak, wrong type/curve/size, forbidden by `use`/`key_ops`, unknown `alg`). @example `e.code === 'ERR_KEY_INVALID'` */
export class KeyInvalid extends JoseError {
  override readonly code = 'ERR_KEY_INVALID';
  static override readonly code = 'ERR_KEY_INVALID';
}

/** Every error class, for documentation checks and exhaustive handling. */
export const errorClasses = [
  JoseError,
  JwsInvalid,
  JwsSignatureInvalid,
  JoseAlgNotAllowed,
  JoseNotSupported,
  JwtInvalid,
  JwtClaimInvalid,
  JwtExpired,
  JwtNotYetValid,
  JwksNoMatchingKey,
  JwksMultipleMatchingKeys,
  JwksTimeout,
  JwksInvalid,
  KeyInvalid,
] as const;
