/**
 * JWT verification (RFC 7519 §7.2): the signature first, then the claims.
 */
import { isRemoteKeySet, type KeySet, type RemoteKeySet } from '../lib/keyset.js';
import type { Key } from '../lib/key.js';
import {
  compileVerifierOptions,
  makeAsyncVerify,
  makeSyncVerify,
  type VerifiedJwt,
  type VerifierOptions,
} from '../lib/jwt_verifier.js';

/** A compiled synchronous verifier. */
export type Verifier = ((token: string) => VerifiedJwt) & { clearCache(): void };
/** A compiled verifier over a remote key set. */
export type AsyncVerifier = ((token: string) => Promise<VerifiedJwt>) & {
  clearCache(): void;
  /**
   * Verifies without waiting when no key set fetch is needed (a cached token, or keys already
   * loaded and fresh): returns the result or throws exactly as the verifier would reject. Returns
   * `undefined` when the answer needs the network: call the verifier itself then. For hot paths
   * that should not pay for a promise per request.
   */
  verifyNow(token: string): VerifiedJwt | undefined;
};

/**
 * Compiles a verifier: options are validated once (TypeError on misuse) and the returned function
 * does only per-token work. Synchronous for a key or a local key set, asynchronous for a remote set.
 *
 * The algorithm comes from the key: a token whose `alg` differs fails with `ERR_JOSE_ALG_NOT_ALLOWED`.
 * The signature is checked before any claim.
 *
 * @example
 * ```ts
 * const verify = createVerifier(publicKey, { issuer: 'https://auth.example', audience: 'api' });
 * const { payload } = verify(token);
 * ```
 */
export function createVerifier(keyOrSet: Key | KeySet, options?: VerifierOptions): Verifier;
export function createVerifier(keyOrSet: RemoteKeySet, options?: VerifierOptions): AsyncVerifier;
export function createVerifier(
  keyOrSet: Key | KeySet | RemoteKeySet,
  options?: VerifierOptions,
): Verifier | AsyncVerifier;
export function createVerifier(
  keyOrSet: Key | KeySet | RemoteKeySet,
  options: VerifierOptions = {},
): Verifier | AsyncVerifier {
  const compiled = compileVerifierOptions(options);
  const clearCache = (): void => compiled.cache?.clear();
  if (isRemoteKeySet(keyOrSet)) {
    const { verify, verifyNow } = makeAsyncVerify(keyOrSet, compiled);
    return Object.assign(verify, { clearCache, verifyNow });
  }
  return Object.assign(makeSyncVerify(keyOrSet, compiled), { clearCache });
}

/**
 * Verifies one token (compiles the options each call: prefer {@link createVerifier} on hot paths).
 *
 * @example
 * ```ts
 * const { payload } = verifyJwt(token, secret, { audience: 'api' });
 * ```
 */
export function verifyJwt(token: string, keyOrSet: Key | KeySet, options?: VerifierOptions): VerifiedJwt;
export function verifyJwt(
  token: string,
  keyOrSet: RemoteKeySet,
  options?: VerifierOptions,
): Promise<VerifiedJwt>;
export function verifyJwt(
  token: string,
  keyOrSet: Key | KeySet | RemoteKeySet,
  options?: VerifierOptions,
): VerifiedJwt | Promise<VerifiedJwt>;
export function verifyJwt(
  token: string,
  keyOrSet: Key | KeySet | RemoteKeySet,
  options: VerifierOptions = {},
): VerifiedJwt | Promise<VerifiedJwt> {
  const { cache: _ignored, ...rest } = options;
  return createVerifier(keyOrSet, rest)(token);
}
