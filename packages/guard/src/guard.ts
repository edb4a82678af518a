import {
  createRemoteKeySet,
  createVerifier,
  type JwtClaims,
  type RemoteKeySet,
  type VerifiedJwt,
} from '@signet/jose';
import { DiscoveryError, discoverJwksUri } from './discovery.js';
import { GuardError, guardErrors } from './errors.js';
import { extractToken } from './extract.js';
import { createCounters, type GuardCounters, registerCounters, type VerifyResult } from './metrics.js';
import { type FeedStatus, type GuardOptions, type ResolvedOptions, resolveOptions } from './options.js';
import type { Auth, AuthenticateOptions, HeaderBag, RequestLike, TokenHeader } from './types.js';

/** What `guard.health()` reports. */
export interface GuardHealth {
  /** `ok`; `starting` before the first key set; `stale` while serving keys past their cache age; `failing`. */
  status: 'ok' | 'starting' | 'stale' | 'failing';
  issuer: string;
  jwksUri: string | undefined;
  keys: number;
  lastJwksSuccessAt: number | undefined;
  stale: boolean;
  lastError: string | undefined;
  feed: FeedStatus;
}

/** A verifier bound to one issuer and audience, built once per process by {@link createGuard}. */
export interface Guard {
  readonly options: ResolvedOptions;
  /** Plain counters: `jwks_fetch_total` and `token_verify_total` by result. */
  readonly counters: GuardCounters;
  /** Verifies a compact token; throws {@link GuardError}. */
  verify(token: string, options?: AuthenticateOptions): Promise<Auth>;
  /** Extracts (RFC 6750) and verifies the request's token; no token is a 401 `GuardError`. */
  authenticate(request: RequestLike | HeaderBag, options?: AuthenticateOptions): Promise<Auth>;
  /** Like `authenticate`, but a request without any token yields `undefined` (a bad token still throws). */
  authenticateOptional(
    request: RequestLike | HeaderBag,
    options?: AuthenticateOptions,
  ): Promise<Auth | undefined>;
  /** Discovers the JWKS and loads the keys now (otherwise the first request does). */
  ready(): Promise<void>;
  health(): GuardHealth;
  /** Empties the verified-token cache (the revocation feed calls it). */
  clearCache(): void;
  /** Turns any error thrown around a verification into the `GuardError` to render (internal errors → 401). */
  toGuardError(error: unknown): GuardError;
}

type AsyncVerify = ((token: string) => Promise<VerifiedJwt> | VerifiedJwt) & { clearCache(): void };

function asRequest(input: RequestLike | HeaderBag): RequestLike {
  return 'headers' in input && typeof input.headers === 'object' && input.headers !== null
    ? (input as RequestLike)
    : { headers: input as HeaderBag };
}

function errorCode(e: unknown): string {
  if (typeof e === 'object' && e !== null) {
    const code = (e as { code?: unknown }).code;
    const claim = (e as { claim?: unknown }).claim;
    if (typeof code === 'string')
      return typeof claim === 'string' && claim !== 'exp' ? `${code}:${claim}` : code;
    if (e instanceof Error) return e.name;
  }
  return 'ERR_UNKNOWN';
}

function classify(code: string): VerifyResult {
  if (code === 'ERR_JWT_EXPIRED') return 'expired';
  if (code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JWKS_INVALID' || code === 'ERR_GUARD_DISCOVERY')
    return 'unavailable';
  return 'invalid';
}

function splitScope(claims: JwtClaims): string[] {
  const raw = claims['scope'] ?? claims['scp'];
  if (typeof raw === 'string') return raw.split(' ').filter((s) => s !== '');
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return [];
}

/**
 * Builds a guard: validates the options once, then verifies RFC 9068 access tokens from one issuer.
 *
 * @example
 * const guard = createGuard({ issuer: 'https://auth.example.com', audience: 'orders' });
 * const auth = await guard.authenticate(req); // throws GuardError (status, headers, body)
 */
export function createGuard(options: GuardOptions): Guard {
  const o = resolveOptions(options);
  const counters = createCounters();
  const requiredScopes = o.requiredScopes;
  let remote: RemoteKeySet | undefined;
  let verifier: AsyncVerify | undefined;
  let pending: Promise<AsyncVerify> | undefined;
  let discoveryFailedAt: number | undefined;
  let lastError: string | undefined;

  const emit = o.onEvent ?? (() => {});
  const verifierOptions = {
    algorithms: [...o.algorithms],
    issuer: o.issuer,
    audience: [...o.audience],
    clockTolerance: o.clockTolerance,
    // RFC 9068 §4: the resource server checks typ (compared case-insensitively, `application/` optional),
    // so an ID token or any other JWT signed by the same issuer cannot be replayed as an access token.
    ...(o.typ === false ? {} : { typ: o.typ }),
    requiredClaims: ['exp', 'client_id'],
    now: o.now,
    ...(o.cache === false ? {} : { cache: o.cache }),
  };

  function buildRemote(uri: string): AsyncVerify {
    remote = createRemoteKeySet(uri, {
      timeout: o.jwks.timeout,
      cacheMaxAge: o.jwks.cacheMaxAge,
      cooldown: o.jwks.cooldown,
      maxStale: o.jwks.maxStale,
      fetch: o.fetch,
      now: o.now,
      onFetch: (result) => {
        counters.jwks_fetch_total[result]++;
        emit({ type: 'jwks_fetch', result });
      },
    });
    return createVerifier(remote, verifierOptions) as AsyncVerify;
  }

  if (o.keys !== undefined) verifier = createVerifier(o.keys as never, verifierOptions) as AsyncVerify;
  else if (o.jwks.uri !== undefined) verifier = buildRemote(o.jwks.uri);

  /** Single-flight discovery; after a failure, no new attempt before `jwks.cooldown` (bounded to 5 s). */
  function getVerifier(): AsyncVerify | Promise<AsyncVerify> {
    if (verifier !== undefined) return verifier;
    if (pending !== undefined) return pending;
    const retryAfter = Math.min(o.jwks.cooldown, 5_000);
    if (discoveryFailedAt !== undefined && o.now() - discoveryFailedAt < retryAfter) {
      throw new DiscoveryError(lastError ?? 'discovery failed recently');
    }
    pending = discoverJwksUri(o.issuer, o.fetch, o.jwks.timeout).then(
      (uri) => {
        pending = undefined;
        emit({ type: 'discovery', result: 'ok' });
        verifier = buildRemote(uri);
        return verifier;
      },
      (e: unknown) => {
        pending = undefined;
        discoveryFailedAt = o.now();
        lastError = e instanceof Error ? e.message : 'discovery failed';
        emit({ type: 'discovery', result: 'error', reason: lastError });
        throw e;
      },
    );
    return pending;
  }

  function reject(result: VerifyResult, reason: string, cause?: unknown): GuardError {
    counters.token_verify_total[result]++;
    emit({ type: 'verify', result: result as 'invalid', reason });
    return guardErrors.invalidToken(o.realm, reason, cause);
  }

  function toGuardError(e: unknown): GuardError {
    if (e instanceof GuardError) return e.withRealm(o.realm);
    return guardErrors.invalidToken(o.realm, errorCode(e), e);
  }

  async function runChecks(auth: Auth, extra: AuthenticateOptions | undefined): Promise<void> {
    try {
      if (o.feed !== undefined) await o.feed.check(auth);
      for (const check of o.checks) await check(auth);
    } catch (e) {
      if (e instanceof GuardError && e.status === 403) throw forbidden(e);
      throw e instanceof GuardError
        ? reject('rejected', e.reason ?? e.code, e)
        : reject('rejected', errorCode(e), e);
    }
    const scopes = extra?.scopes === undefined ? requiredScopes : [...requiredScopes, ...extra.scopes];
    for (const s of scopes) {
      if (!auth.scopes.includes(s)) throw forbidden(guardErrors.insufficientScope(o.realm, scopes));
    }
    if (extra?.require !== undefined) {
      for (const check of extra.require) {
        try {
          await check(auth);
        } catch (e) {
          if (e instanceof GuardError && e.status === 403) throw forbidden(e);
          throw e instanceof GuardError
            ? reject('rejected', e.reason ?? e.code, e)
            : reject('rejected', errorCode(e), e);
        }
      }
    }
  }

  function forbidden(e: GuardError): GuardError {
    counters.token_verify_total.forbidden++;
    emit({ type: 'forbidden', reason: e.reason ?? 'scope', scope: e.scope });
    return e.withRealm(o.realm);
  }

  // With the verified-token cache on, jose hands back the same result object for a cached token:
  // building the Auth once per cache entry keeps the hot path to a lookup.
  const authByResult = o.cache === false ? undefined : new WeakMap<VerifiedJwt, Auth>();
  const hasChecks = o.feed !== undefined || o.checks.length > 0 || requiredScopes.length > 0;

  async function verify(token: string, extra?: AuthenticateOptions): Promise<Auth> {
    if (typeof token !== 'string') throw new TypeError('"token" must be a string');
    let verified: VerifiedJwt;
    try {
      verified = await (verifier ?? (await getVerifier()))(token);
    } catch (e) {
      const code = errorCode(e);
      throw reject(classify(code), code, e);
    }
    let auth = authByResult?.get(verified);
    if (auth === undefined) {
      const { header, payload } = verified;
      const clientId = payload['client_id'];
      if (typeof clientId !== 'string' || clientId === '') throw reject('invalid', 'client_id');
      if (payload.sub !== undefined && typeof payload.sub !== 'string') throw reject('invalid', 'sub');
      auth = Object.freeze({
        subject: payload.sub ?? clientId,
        clientId,
        scopes: Object.freeze(splitScope(payload)),
        jti: typeof payload.jti === 'string' ? payload.jti : undefined,
        expiresAt: payload.exp as number,
        claims: payload,
        payload,
        header: header as TokenHeader,
        token,
      });
      authByResult?.set(verified, auth);
    }
    // Checks (the revocation feed among them) run on every call, cached or not.
    if (hasChecks || (extra?.scopes?.length ?? 0) > 0 || (extra?.require?.length ?? 0) > 0) {
      await runChecks(auth, extra);
    }
    counters.token_verify_total.ok++;
    if (o.onEvent !== undefined) o.onEvent({ type: 'verify', result: 'ok' });
    return auth;
  }

  async function authenticateOptional(input: RequestLike | HeaderBag, extra?: AuthenticateOptions) {
    const token = extractToken(asRequest(input), o.realm, o.allowQueryToken);
    return token === undefined ? undefined : verify(token, extra);
  }

  if (o.metrics !== undefined) {
    registerCounters(o.metrics.registry, counters, o.metrics.prefix, () => remote?.status().stale === true);
  }

  const guard: Guard = {
    options: o,
    counters,
    verify,
    authenticateOptional,
    authenticate(input, extra) {
      try {
        const token = extractToken(asRequest(input), o.realm, o.allowQueryToken);
        return token === undefined ? Promise.reject(guardErrors.noToken(o.realm)) : verify(token, extra);
      } catch (e) {
        return Promise.reject(e);
      }
    },
    async ready() {
      await getVerifier();
      if (remote !== undefined) await remote.reload();
    },
    health(): GuardHealth {
      const s = remote?.status();
      const feed = o.feed?.status() ?? { state: 'disabled' as const };
      if (o.keys !== undefined) {
        const n = 'keys' in o.keys ? o.keys.keys.length : 1;
        return {
          status: withFeed('ok', feed),
          issuer: o.issuer,
          jwksUri: undefined,
          keys: n,
          lastJwksSuccessAt: undefined,
          stale: false,
          lastError: undefined,
          feed,
        };
      }
      const keys = s?.keys ?? 0;
      let status: GuardHealth['status'] = 'ok';
      if (s === undefined || s.lastSuccessAt === undefined)
        status = (lastError ?? s?.lastError) === undefined ? 'starting' : 'failing';
      else if (o.now() - s.lastSuccessAt > o.jwks.cacheMaxAge + o.jwks.maxStale) status = 'failing';
      else if (s.stale) status = 'stale';
      return {
        status: withFeed(status, feed),
        issuer: o.issuer,
        jwksUri: remote?.url,
        keys,
        lastJwksSuccessAt: s?.lastSuccessAt,
        stale: s?.stale ?? false,
        lastError: s?.lastError ?? lastError,
        feed,
      };
    },
    clearCache() {
      verifier?.clearCache();
    },
    toGuardError,
  };
  o.feed?.attach?.({ clearCache: guard.clearCache });
  return guard;
}

const RANK: Record<GuardHealth['status'], number> = { ok: 0, stale: 1, starting: 2, failing: 3 };

/**
 * The worse of the key status and the revocation feed's: a feed that failed closed rejects every
 * token, so the guard is failing even with fresh keys; a feed not yet synchronised also rejects.
 */
function withFeed(status: GuardHealth['status'], feed: FeedStatus): GuardHealth['status'] {
  const fromFeed: GuardHealth['status'] =
    feed.state === 'failed'
      ? 'failing'
      : feed.state === 'connecting'
        ? 'starting'
        : feed.state === 'stale'
          ? 'stale'
          : 'ok';
  return RANK[fromFeed] > RANK[status] ? fromFeed : status;
}
