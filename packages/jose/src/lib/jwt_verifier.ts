/**
 * The compiled JWT verifier: options validated once, then a per-token function that does only
 * per-token work. Used by `createVerifier` and `verifyJwt`.
 */
import { hash } from 'node:crypto';
import { defaults } from '../defaults.js';
import { JwsInvalid, JwtClaimInvalid, JwtInvalid } from '../errors.js';
import { decodeStrictRange } from './base64url.js';
import { type ClaimsConfig, checkClaims, type JwtClaims, normalizeTyp, validityWindow } from './claims.js';
import { decodeJsonObject } from './decode.js';
import { deepFreeze } from './json.js';
import type { JwsHeader } from './header.js';
import { INTERNAL, isKey, type Key, type KeyImpl } from './key.js';
import { isLocalKeySet, isRemoteKeySet, type KeySelector, LOCAL, REMOTE } from './keyset.js';
import {
  checkKeyFits,
  checkSignature,
  DEFAULT_MAX_TOKEN_SIZE,
  type JwsConfig,
  splitAndDecodeHeader,
} from './jws_verify.js';
import { Lru } from './lru.js';
import {
  algorithmSet,
  checkKnownOptions,
  critSet,
  optionalFunction,
  optionalNumber,
  optionalPositiveInteger,
  optionalString,
  stringList,
} from './options.js';

/** Options of `createVerifier` / `verifyJwt`. */
export interface VerifierOptions {
  /** Allowed algorithms; by default the key's (or each key set key's) own algorithm. */
  algorithms?: readonly string[];
  /** Expected `iss` (one of). A token without `iss` fails. */
  issuer?: string | string[];
  /** Expected `aud` (at least one in common). A token without `aud` fails. */
  audience?: string | string[];
  /** Expected `sub`. */
  subject?: string;
  /** Expected header `typ`, compared case-insensitively, `application/` optional (e.g. `at+jwt`). */
  typ?: string;
  /** Seconds of leeway for `exp`, `nbf` and `maxTokenAge`. Default 0. */
  clockTolerance?: number;
  /** Maximum age in seconds since `iat`; requires `iat`. */
  maxTokenAge?: number;
  /** Claims that must be present. */
  requiredClaims?: string[];
  /** Maximum token length in bytes, checked first. Default 16384. */
  maxTokenSize?: number;
  /** Clock in milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Verified-token cache: `true` (1000 entries) or `{ max }`. Default off. */
  cache?: boolean | { max?: number };
  /** `crit` header extensions the caller understands and checks itself. */
  crit?: Record<string, boolean>;
}

/** A verified JWT. */
export interface VerifiedJwt {
  readonly header: JwsHeader;
  readonly payload: JwtClaims;
  readonly key: Key;
}

const OPTION_NAMES = [
  'algorithms',
  'issuer',
  'audience',
  'subject',
  'typ',
  'clockTolerance',
  'maxTokenAge',
  'requiredClaims',
  'maxTokenSize',
  'now',
  'cache',
  'crit',
] as const;

/** Default size of the verified-token cache. */
export const DEFAULT_CACHE_MAX = defaults.cacheMax;

interface CacheEntry {
  readonly result: VerifiedJwt;
  readonly from: number;
  readonly until: number;
}

/** Everything a compiled verifier needs. */
export interface CompiledVerifier {
  readonly jws: JwsConfig;
  readonly claims: ClaimsConfig;
  readonly typ: string | undefined;
  readonly now: () => number;
  readonly cache: Lru<string, CacheEntry> | undefined;
}

/** Validates verifier options once. */
export function compileVerifierOptions(options: VerifierOptions): CompiledVerifier {
  checkKnownOptions(options, OPTION_NAMES, 'verifier options');
  const requiredClaims = options.requiredClaims;
  if (
    requiredClaims !== undefined &&
    (!Array.isArray(requiredClaims) || !requiredClaims.every((c) => typeof c === 'string'))
  ) {
    throw new TypeError('"requiredClaims" must be an array of strings');
  }
  const cache = options.cache;
  let cacheMax: number | undefined;
  if (cache === true) cacheMax = DEFAULT_CACHE_MAX;
  else if (typeof cache === 'object' && cache !== null) {
    checkKnownOptions(cache, ['max'], 'cache');
    cacheMax = optionalPositiveInteger(cache.max, 'cache.max') ?? DEFAULT_CACHE_MAX;
  } else if (cache !== undefined && cache !== false)
    throw new TypeError('"cache" must be a boolean or { max }');
  const typ = optionalString(options.typ, 'typ');
  return Object.freeze({
    jws: Object.freeze({
      maxTokenSize: optionalPositiveInteger(options.maxTokenSize, 'maxTokenSize') ?? DEFAULT_MAX_TOKEN_SIZE,
      algorithms: algorithmSet(options.algorithms),
      crit: critSet(options.crit),
    }),
    claims: Object.freeze({
      issuer: stringList(options.issuer, 'issuer'),
      audience: stringList(options.audience, 'audience'),
      subject: optionalString(options.subject, 'subject'),
      clockTolerance: optionalNumber(options.clockTolerance, 'clockTolerance') ?? defaults.clockTolerance,
      maxTokenAge: optionalNumber(options.maxTokenAge, 'maxTokenAge'),
      requiredClaims: Object.freeze([...(requiredClaims ?? [])]),
    }),
    typ: typ === undefined ? undefined : normalizeTyp(typ),
    now: optionalFunction<() => number>(options.now, 'now') ?? Date.now,
    cache: cacheMax === undefined ? undefined : new Lru<string, CacheEntry>(cacheMax),
  });
}

function checkTyp(header: JwsHeader, typ: string): void {
  if (header.typ === undefined) throw new JwtClaimInvalid('"typ" header is missing', 'typ', 'missing');
  if (normalizeTyp(header.typ) !== typ)
    throw new JwtClaimInvalid('"typ" header does not match', 'typ', 'mismatch');
}

/** Keys to try for a header: resolved once per distinct header per verifier. */
type KeyResolver = (header: JwsHeader) => readonly Key[];

/** Builds the synchronous key resolver for a key or a local key set. */
export function syncResolver(keyOrSet: unknown, c: CompiledVerifier): KeyResolver {
  const memo = new WeakMap<JwsHeader, readonly Key[]>();
  if (isKey(keyOrSet)) {
    const key = keyOrSet;
    if ((key as KeyImpl)[INTERNAL].verify === undefined)
      throw new TypeError('"key" may not verify (JWK "key_ops")');
    if (c.jws.algorithms !== undefined && !c.jws.algorithms.has(key.alg)) {
      throw new TypeError('"algorithms" does not include the key\'s algorithm');
    }
    const single = Object.freeze([key]);
    return (header) => {
      checkKeyFits(header, key);
      return single;
    };
  }
  if (isLocalKeySet(keyOrSet)) {
    const internal = keyOrSet[LOCAL];
    return (header) => {
      const hit = memo.get(header);
      if (hit !== undefined) return hit;
      const found = internal.candidates(selector(header));
      memo.set(header, found);
      return found;
    };
  }
  throw new TypeError('"keyOrSet" must be a Key, a KeySet or a RemoteKeySet');
}

function selector(header: JwsHeader): KeySelector {
  return header.kid === undefined ? { alg: header.alg } : { alg: header.alg, kid: header.kid };
}

/** Decodes, checks and (optionally) caches the claims part of a token whose signature verified. */
function finish(
  token: string,
  dot1: number,
  dot2: number,
  header: JwsHeader,
  key: Key,
  c: CompiledVerifier,
  now: number,
  cacheKey: string | undefined,
): VerifiedJwt {
  if (c.typ !== undefined) checkTyp(header, c.typ);
  const bytes = decodeStrictRange(token, dot1 + 1, dot2);
  if (bytes === undefined) throw new JwsInvalid('JWS payload is not strict base64url');
  const payload = decodeJsonObject(bytes, JwtInvalid, 'JWT payload') as JwtClaims;
  checkClaims(payload, c.claims, now);
  const result: VerifiedJwt = { header, payload, key };
  if (cacheKey !== undefined && c.cache !== undefined) {
    deepFreeze(payload);
    const { from, until } = validityWindow(payload, c.claims);
    c.cache.set(cacheKey, { result: Object.freeze(result), from, until });
  }
  return result;
}

function cacheKeyOf(token: unknown): string | undefined {
  // sha256 of the exact token bytes: collision-resistant, and the cache never holds tokens.
  // One-shot `hash` (Node ≥ 20.12) costs half of createHash().update().digest() on short inputs.
  return typeof token === 'string' && token.length <= 1 << 20 ? hash('sha256', token, 'base64') : undefined;
}

function cached(c: CompiledVerifier, key: string | undefined, now: number): VerifiedJwt | undefined {
  if (key === undefined) return undefined;
  const entry = (c.cache as Lru<string, CacheEntry>).get(key);
  if (entry === undefined) return undefined;
  if (now >= entry.from && now < entry.until) return entry.result;
  c.cache?.delete(key);
  return undefined;
}

/** The synchronous verify function for a key or local key set. */
export function makeSyncVerify(keyOrSet: unknown, c: CompiledVerifier): (token: string) => VerifiedJwt {
  const resolve = syncResolver(keyOrSet, c);
  const { jws, now: clock } = c;
  if (c.cache === undefined) {
    return (token) => {
      const split = splitAndDecodeHeader(token, jws);
      const key = checkSignature(token, split, resolve(split.header));
      return finish(token, split.dot1, split.dot2, split.header, key, c, clock(), undefined);
    };
  }
  return (token) => {
    const now = clock();
    const ck = cacheKeyOf(token);
    const hit = cached(c, ck, now);
    if (hit !== undefined) return hit;
    const split = splitAndDecodeHeader(token, jws);
    const key = checkSignature(token, split, resolve(split.header));
    return finish(token, split.dot1, split.dot2, split.header, key, c, now, ck);
  };
}

/** The asynchronous verify function for a remote key set. */
export function makeAsyncVerify(
  remote: unknown,
  c: CompiledVerifier,
): (token: string) => Promise<VerifiedJwt> {
  if (!isRemoteKeySet(remote)) throw new TypeError('"keyOrSet" must be a Key, a KeySet or a RemoteKeySet');
  const internal = remote[REMOTE];
  const { jws, now: clock } = c;
  return async (token) => {
    const ck = c.cache === undefined ? undefined : cacheKeyOf(token);
    const hit = cached(c, ck, clock());
    if (hit !== undefined) return hit;
    const split = splitAndDecodeHeader(token, jws);
    const candidates = await internal.candidates(selector(split.header));
    const key = checkSignature(token, split, candidates);
    return finish(token, split.dot1, split.dot2, split.header, key, c, clock(), ck);
  };
}
