/**
 * The compiled JWT verifier: options validated once, then a per-token function that does only
 * per-token work. Used by `createVerifier` and `verifyJwt`.
 */
import { hash } from 'node:crypto';
import { defaults } from '../defaults.js';
import { JwsInvalid, JwtClaimInvalid, JwtInvalid } from '../errors.js';
import { type ClaimsConfig, checkClaims, type JwtClaims, normalizeTyp, validityWindow } from './claims.js';
import { decodeSegmentJson } from './decode.js';
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
  /**
   * Verified-token cache: `true` (1000 entries) or `{ max, key }`. Default off. `key`: `'sha256'`
   * (default) keys entries by the SHA-256 of the token, so the cache never holds tokens; `'token'` by
   * the exact token text, which saves the hash on every call (about 1 µs) but keeps up to `max`
   * tokens in memory until they are evicted.
   */
  cache?: boolean | { max?: number; key?: 'sha256' | 'token' };
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
  /** With `key: 'token'`: the exact token, compared on every hit (the map key is only its tail). */
  readonly token: string | undefined;
}

/** Everything a compiled verifier needs. */
export interface CompiledVerifier {
  readonly jws: JwsConfig;
  readonly claims: ClaimsConfig;
  readonly typ: string | undefined;
  readonly now: () => number;
  readonly cache: Lru<string, CacheEntry> | undefined;
  /** The cache key of a token (present with `cache`). */
  readonly cacheKey: (token: unknown) => string | undefined;
  /** `key: 'token'`: entries keep the token and a hit must equal it exactly. */
  readonly cacheExact: boolean;
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
  let cacheKey = sha256Key;
  if (cache === true) cacheMax = DEFAULT_CACHE_MAX;
  else if (typeof cache === 'object' && cache !== null) {
    checkKnownOptions(cache, ['max', 'key'], 'cache');
    cacheMax = optionalPositiveInteger(cache.max, 'cache.max') ?? DEFAULT_CACHE_MAX;
    if (cache.key === 'token') cacheKey = tokenKey;
    else if (cache.key !== undefined && cache.key !== 'sha256')
      throw new TypeError('"cache.key" must be "sha256" or "token"');
  } else if (cache !== undefined && cache !== false)
    throw new TypeError('"cache" must be a boolean or { max, key }');
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
    cacheKey,
    cacheExact: cacheKey === tokenKey,
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
  // After checkSignature, which refused any `+` or `/` in the token.
  const payload = decodeSegmentJson(token, dot1 + 1, dot2, JwtInvalid, 'JWT payload') as
    | JwtClaims
    | undefined;
  if (payload === undefined) throw new JwsInvalid('JWS payload is not strict base64url');
  checkClaims(payload, c.claims, now);
  const result: VerifiedJwt = { header, payload, key };
  if (cacheKey !== undefined && c.cache !== undefined) {
    deepFreeze(payload);
    const { from, until } = validityWindow(payload, c.claims);
    const exact = c.cacheExact ? token : undefined;
    c.cache.set(cacheKey, { result: Object.freeze(result), from, until, token: exact });
  }
  return result;
}

/** Tokens longer than this are never cached (the size cap refuses them anyway). */
const MAX_CACHED_TOKEN = 1 << 20;

function sha256Key(token: unknown): string | undefined {
  // sha256 of the exact token bytes: collision-resistant, and the cache never holds tokens.
  // One-shot `hash` (Node ≥ 20.12) costs half of createHash().update().digest() on short inputs.
  return typeof token === 'string' && token.length <= MAX_CACHED_TOKEN
    ? hash('sha256', token, 'base64')
    : undefined;
}

/** Characters of the token's end (its signature) that key a `key: 'token'` entry: 192 bits. */
const TAIL = 32;

function tokenKey(token: unknown): string | undefined {
  // The map is keyed by the token's last characters and the entry keeps the whole token, compared
  // exactly on a hit: V8 hashes a fresh string character by character (as slow as SHA-256 on a
  // 400-byte token), comparing is a memcmp. Tokens sharing a tail only cost a miss, never a false hit.
  if (typeof token !== 'string' || token.length > MAX_CACHED_TOKEN) return undefined;
  return token.length <= TAIL ? token : token.slice(token.length - TAIL);
}

function cached(
  c: CompiledVerifier,
  key: string | undefined,
  now: number,
  token: string,
): VerifiedJwt | undefined {
  if (key === undefined) return undefined;
  const entry = (c.cache as Lru<string, CacheEntry>).get(key);
  if (entry === undefined || (entry.token !== undefined && entry.token !== token)) return undefined;
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
    const ck = c.cacheKey(token);
    const hit = cached(c, ck, now, token);
    if (hit !== undefined) return hit;
    const split = splitAndDecodeHeader(token, jws);
    const key = checkSignature(token, split, resolve(split.header));
    return finish(token, split.dot1, split.dot2, split.header, key, c, now, ck);
  };
}

/** The verify functions for a remote key set. */
export interface RemoteVerify {
  /** Verifies, fetching the key set when it must. */
  readonly verify: (token: string) => Promise<VerifiedJwt>;
  /** Verifies without I/O: the result, a throw, or `undefined` when the key set must be fetched. */
  readonly verifyNow: (token: string) => VerifiedJwt | undefined;
}

/** The verify functions for a remote key set: asynchronous, and a synchronous attempt. */
export function makeAsyncVerify(remote: unknown, c: CompiledVerifier): RemoteVerify {
  if (!isRemoteKeySet(remote)) throw new TypeError('"keyOrSet" must be a Key, a KeySet or a RemoteKeySet');
  const internal = remote[REMOTE];
  const { jws, now: clock } = c;
  const verifyNow = (token: string): VerifiedJwt | undefined => {
    const now = clock();
    const ck = c.cache === undefined ? undefined : c.cacheKey(token);
    const hit = cached(c, ck, now, token);
    if (hit !== undefined) return hit;
    const split = splitAndDecodeHeader(token, jws);
    const candidates = internal.candidatesNow(split.header);
    if (candidates === undefined) return undefined;
    const key = checkSignature(token, split, candidates);
    return finish(token, split.dot1, split.dot2, split.header, key, c, now, ck);
  };
  const verify = async (token: string): Promise<VerifiedJwt> => {
    const ck = c.cache === undefined ? undefined : c.cacheKey(token);
    const hit = cached(c, ck, clock(), token);
    if (hit !== undefined) return hit;
    const split = splitAndDecodeHeader(token, jws);
    const candidates =
      internal.candidatesNow(split.header) ?? (await internal.candidates(selector(split.header)));
    const key = checkSignature(token, split, candidates);
    return finish(token, split.dot1, split.dot2, split.header, key, c, clock(), ck);
  };
  return { verify, verifyNow };
}
