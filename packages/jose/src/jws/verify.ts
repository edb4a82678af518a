/**
 * Compact JWS verification (RFC 7515 §5.2). Thin: the engine is `lib/jws_verify.ts`.
 */
import type { JwsHeader } from '../lib/header.js';
import { isKey, type Key } from '../lib/key.js';
import {
  isLocalKeySet,
  isRemoteKeySet,
  type KeySet,
  LOCAL,
  REMOTE,
  type RemoteKeySet,
} from '../lib/keyset.js';
import {
  checkKeyFits,
  checkSignature,
  DEFAULT_MAX_TOKEN_SIZE,
  type JwsConfig,
  payloadBytes,
  splitAndDecodeHeader,
} from '../lib/jws_verify.js';
import { algorithmSet, checkKnownOptions, critSet, optionalPositiveInteger } from '../lib/options.js';

/** Options of {@link verifyCompact}. */
export interface VerifyCompactOptions {
  /** Allowed algorithms (in addition to the key's own binding). */
  algorithms?: readonly string[];
  /** Maximum token length in bytes, checked first. Default 16384. */
  maxTokenSize?: number;
  /** `crit` extensions the caller understands, e.g. `{ exp: true }`. */
  crit?: Record<string, boolean>;
}

/** A verified compact JWS. */
export interface VerifiedJws {
  readonly header: JwsHeader;
  readonly payload: Uint8Array;
  readonly key: Key;
}

function compile(options: VerifyCompactOptions): JwsConfig {
  checkKnownOptions(options, ['algorithms', 'maxTokenSize', 'crit'], 'verifyCompact options');
  return {
    maxTokenSize: optionalPositiveInteger(options.maxTokenSize, 'maxTokenSize') ?? DEFAULT_MAX_TOKEN_SIZE,
    algorithms: algorithmSet(options.algorithms),
    crit: critSet(options.crit),
  };
}

/**
 * Verifies a compact JWS and returns its header and payload bytes. The payload may be anything
 * (it is not parsed as JSON). With a remote key set the result is a promise.
 *
 * @throws {JwsInvalid} {JwsSignatureInvalid} {JoseAlgNotAllowed} {JoseNotSupported} {JwksNoMatchingKey}
 * @example
 * ```ts
 * const { payload } = verifyCompact(jws, publicKey);
 * new TextDecoder().decode(payload);
 * ```
 */
export function verifyCompact(
  token: string,
  keyOrSet: Key | KeySet,
  options?: VerifyCompactOptions,
): VerifiedJws;
export function verifyCompact(
  token: string,
  keyOrSet: RemoteKeySet,
  options?: VerifyCompactOptions,
): Promise<VerifiedJws>;
export function verifyCompact(
  token: string,
  keyOrSet: Key | KeySet | RemoteKeySet,
  options?: VerifyCompactOptions,
): VerifiedJws | Promise<VerifiedJws>;
export function verifyCompact(
  token: string,
  keyOrSet: Key | KeySet | RemoteKeySet,
  options: VerifyCompactOptions = {},
): VerifiedJws | Promise<VerifiedJws> {
  const config = compile(options);
  if (isRemoteKeySet(keyOrSet)) {
    const remote = keyOrSet[REMOTE];
    return (async () => {
      const split = splitAndDecodeHeader(token, config);
      const candidates = await remote.candidates(kidAlg(split.header));
      const key = checkSignature(token, split, candidates);
      return { header: split.header, payload: payloadBytes(token, split), key };
    })();
  }
  if (isKey(keyOrSet)) {
    if (config.algorithms !== undefined && !config.algorithms.has(keyOrSet.alg)) {
      throw new TypeError('"algorithms" does not include the key\'s algorithm');
    }
    const split = splitAndDecodeHeader(token, config);
    checkKeyFits(split.header, keyOrSet);
    const key = checkSignature(token, split, [keyOrSet]);
    return { header: split.header, payload: payloadBytes(token, split), key };
  }
  if (!isLocalKeySet(keyOrSet)) throw new TypeError('"keyOrSet" must be a Key, a KeySet or a RemoteKeySet');
  const split = splitAndDecodeHeader(token, config);
  const candidates = keyOrSet[LOCAL].candidates(kidAlg(split.header));
  const key = checkSignature(token, split, candidates);
  return { header: split.header, payload: payloadBytes(token, split), key };
}

function kidAlg(header: JwsHeader): { alg: string; kid?: string } {
  return header.kid === undefined ? { alg: header.alg } : { alg: header.alg, kid: header.kid };
}
