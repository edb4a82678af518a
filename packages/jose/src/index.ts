/**
 * `@signet/jose`: a strict, fast JOSE/JWT core on `node:crypto`. Named exports only.
 */
export {
  type ClaimFailureReason,
  errorClasses,
  JoseAlgNotAllowed,
  JoseError,
  JoseNotSupported,
  JwksInvalid,
  JwksMultipleMatchingKeys,
  JwksNoMatchingKey,
  JwksTimeout,
  JwsInvalid,
  JwsSignatureInvalid,
  JwtClaimInvalid,
  JwtExpired,
  JwtInvalid,
  JwtNotYetValid,
  KeyInvalid,
} from './errors.js';
export { defaults } from './defaults.js';
export type { Alg } from './lib/algorithms.js';
export { ALG_NAMES as algorithms, ASYMMETRIC_ALG_NAMES as asymmetricAlgorithms } from './lib/algorithms.js';
export type { Key } from './lib/key.js';
export type { JwsHeader } from './lib/header.js';
export type { JwtClaims } from './lib/claims.js';
export type { KeySelector, KeySet, RemoteKeySet, RemoteKeySetStatus } from './lib/keyset.js';
export { importJwk, type ImportJwkOptions, type Jwk, type Jwks } from './jwk/import.js';
export { importPem, type ImportPemOptions } from './jwk/pem.js';
export { generateKeyPair, type GenerateKeyPairOptions, generateSecret } from './jwk/generate.js';
export { exportJwk, type ExportJwkOptions, publicKeyOf } from './jwk/export.js';
export { jwkThumbprint } from './jwk/thumbprint.js';
export { createLocalKeySet, type LocalKeySetOptions } from './jwks/local.js';
export { signCompact } from './jws/sign.js';
export { type VerifiedJws, verifyCompact, type VerifyCompactOptions } from './jws/verify.js';
export { createSigner, type Signer, type SignerOptions, signJwt } from './jwt/sign.js';
export { type AsyncVerifier, createVerifier, type Verifier, verifyJwt } from './jwt/verify.js';
export type { VerifiedJwt, VerifierOptions } from './lib/jwt_verifier.js';
export { decodeUnverified } from './jwt/decode.js';
export { createRemoteKeySet, REMOTE_KEY_SET_DEFAULTS, type RemoteKeySetOptions } from './jwks/remote.js';
