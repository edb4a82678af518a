import {
  createRemoteKeySet,
  createVerifier,
  type JwtClaims,
  type RemoteKeySet,
  type VerifiedJwt,
} from '@signet/jose';
import { DiscoveryError, discoverJwksUri } from './discovery.js';
import { GuardError, guardErrors } from './errors.js';
import { extractToken, isB64token, malformedAuthorization } from './extract.js';
import { createCounters, type GuardCounters, registerCounters, type VerifyResult } from './metrics.js';
import { type FeedStatus, type GuardOptions, type ResolvedOptions, resolveOptions } from './options.js';
import type { Auth, AuthCheck, AuthenticateOptions, HeaderBag, RequestLike, TokenHeader } from './types.js';

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
  /**
   * `authenticate` (or `authenticateOptional` when `required` is false) for hot paths: returns the
   * result itself when nothing has to wait (a cached token, or keys already loaded, and synchronous
   * checks) and throws its {@link GuardError} synchronously; otherwise returns a promise that settles
   * as `authenticate` would. The adapters use it to skip a promise per request.
   */
  authenticateNow(
    request: RequestLike | HeaderBag,
    options?: AuthenticateOptions,
    required?: boolean,
  ): Auth | undefined | Promise<Auth | undefined>;
  /** Discovers the JWKS and loads the keys now (otherwise the first request does). */
  ready(): Promise<void>;
  health(): GuardHealth;
  /** Empties the verified-token cache (the revocation feed calls it). */
  clearCache(): void;
  /** Turns any error thrown around a verification into the `GuardError` to render (internal errors → 401). */
  toGuardError(error: unknown): GuardError;
}

type AsyncVerify = ((token: string) => Promise<VerifiedJwt> | VerifiedJwt) & {
  clearCache(): void;
  /** Present on a remote key set's verifier: the synchronous attempt (`undefined`: keys must be fetched). */
  verifyNow?: (token: string) => VerifiedJwt | undefined;
};

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

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
    // Keyed by the token text, not its SHA-256: every cached result already holds its token (`auth.token`),
    // so hashing would only cost ~1 µs per request without keeping tokens out of memory.
    ...(o.cache === false ? {} : { cache: { max: o.cache.max, key: 'token' as const } }),
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

  /** A failed check: a 403 stays a 403 (forbidden), anything else rejects the token. */
  function checkFailure(e: unknown): GuardError {
    if (e instanceof GuardError && e.status === 403) return forbidden(e);
    return e instanceof GuardError
      ? reject('rejected', e.reason ?? e.code, e)
      : reject('rejected', errorCode(e), e);
  }

  /** Runs `checks` in order from `from`; synchronous until a check returns a promise. */
  function runSeq(checks: readonly AuthCheck[], from: number, auth: Auth): void | Promise<void> {
    for (let i = from; i < checks.length; i++) {
      let r: void | Promise<void>;
      try {
        r = (checks[i] as AuthCheck)(auth);
      } catch (e) {
        throw checkFailure(e);
      }
      if (isThenable(r)) {
        return Promise.resolve(r).then(
          () => runSeq(checks, i + 1, auth),
          (e: unknown) => {
            throw checkFailure(e);
          },
        );
      }
    }
  }

  /** The feed, the guard's checks, the scopes, then the route's checks; synchronous when they all are. */
  function runChecks(auth: Auth, extra: AuthenticateOptions | undefined): void | Promise<void> {
    const first = runSeq(baseChecks, 0, auth);
    return isThenable(first) ? first.then(() => routeChecks(auth, extra)) : routeChecks(auth, extra);
  }

  function routeChecks(auth: Auth, extra: AuthenticateOptions | undefined): void | Promise<void> {
    const scopes = extra?.scopes === undefined ? requiredScopes : [...requiredScopes, ...extra.scopes];
    for (const s of scopes) {
      if (!auth.scopes.includes(s)) throw forbidden(guardErrors.insufficientScope(o.realm, scopes));
    }
    if (extra?.require !== undefined) return runSeq(extra.require, 0, auth);
  }

  function forbidden(e: GuardError): GuardError {
    counters.token_verify_total.forbidden++;
    emit({ type: 'forbidden', reason: e.reason ?? 'scope', scope: e.scope });
    return e.withRealm(o.realm);
  }

  // With the verified-token cache on, jose hands back the same result object for a cached token:
  // building the Auth once per cache entry keeps the hot path to a lookup.
  const authByResult = o.cache === false ? undefined : new WeakMap<VerifiedJwt, Auth>();
  const feed = o.feed;
  // The feed's check is called as a method: a feed object may rely on `this`.
  const baseChecks: readonly AuthCheck[] =
    feed === undefined ? o.checks : [(auth: Auth) => feed.check(auth), ...o.checks];
  const hasChecks = baseChecks.length > 0 || requiredScopes.length > 0;

  // Header credentials are syntax-checked only when verification fails (see `extractToken`), unless
  // query tokens are allowed, where a failure could not be pinned on the header.
  const deferSyntax = !o.allowQueryToken;

  /** The error for a token that failed verification (`checkSyntax`: its `b64token` syntax is unchecked). */
  function failure(token: string, e: unknown, checkSyntax: boolean): GuardError {
    if (checkSyntax && !isB64token(token)) return malformedAuthorization(o.realm);
    const code = errorCode(e);
    return reject(classify(code), code, e);
  }

  /** Verifies without a promise when the verifier can answer now; otherwise the asynchronous path. */
  function verifyNow(
    token: string,
    extra: AuthenticateOptions | undefined,
    checkSyntax: boolean,
  ): Auth | Promise<Auth> {
    const v = verifier;
    if (v === undefined) return verifyLater(token, extra, checkSyntax);
    let verified: VerifiedJwt | Promise<VerifiedJwt> | undefined;
    try {
      verified = v.verifyNow === undefined ? v(token) : v.verifyNow(token);
    } catch (e) {
      throw failure(token, e, checkSyntax);
    }
    if (verified === undefined || isThenable(verified)) return verifyLater(token, extra, checkSyntax);
    return accept(verified, token, extra);
  }

  async function verifyLater(
    token: string,
    extra: AuthenticateOptions | undefined,
    checkSyntax: boolean,
  ): Promise<Auth> {
    let verified: VerifiedJwt;
    try {
      verified = await (verifier ?? (await getVerifier()))(token);
    } catch (e) {
      throw failure(token, e, checkSyntax);
    }
    return accept(verified, token, extra);
  }

  /** From a verified token to the Auth, through every check. */
  function accept(
    verified: VerifiedJwt,
    token: string,
    extra: AuthenticateOptions | undefined,
  ): Auth | Promise<Auth> {
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
      const pending = runChecks(auth, extra);
      if (isThenable(pending)) {
        const done = auth;
        return pending.then(() => ok(done));
      }
    }
    return ok(auth);
  }

  function ok(auth: Auth): Auth {
    counters.token_verify_total.ok++;
    if (o.onEvent !== undefined) o.onEvent({ type: 'verify', result: 'ok' });
    return auth;
  }

  async function verify(token: string, extra?: AuthenticateOptions): Promise<Auth> {
    if (typeof token !== 'string') throw new TypeError('"token" must be a string');
    return verifyNow(token, extra, false);
  }

  function authenticateNow(
    input: RequestLike | HeaderBag,
    extra?: AuthenticateOptions,
    required = true,
  ): Auth | undefined | Promise<Auth | undefined> {
    const token = extractToken(asRequest(input), o.realm, o.allowQueryToken, deferSyntax);
    if (token === undefined) {
      if (required) throw guardErrors.noToken(o.realm);
      return undefined;
    }
    return verifyNow(token, extra, deferSyntax);
  }

  async function authenticateOptional(input: RequestLike | HeaderBag, extra?: AuthenticateOptions) {
    return authenticateNow(input, extra, false);
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
        return Promise.resolve(authenticateNow(input, extra, true) as Auth | Promise<Auth>);
      } catch (e) {
        return Promise.reject(e);
      }
    },
    authenticateNow,
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
