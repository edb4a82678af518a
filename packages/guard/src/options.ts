import type { Alg, Key, KeySet } from '@signet/jose';
import { GUARD_DEFAULTS } from './defaults.js';
import { retryOnce } from './fetch-retry.js';
import type { MetricsRegistry } from './metrics.js';
import type { AuthCheck, GuardEvent } from './types.js';

/** The state a revocation feed (issue 5) reports; `disabled` when none is attached. */
export interface FeedStatus {
  state: 'disabled' | 'connecting' | 'live' | 'stale' | 'failed';
  [detail: string]: unknown;
}

/**
 * What the revocation feed plugs in as: a check run on every verified token (cached or not), and its state
 * for `health()`. `attach` receives the guard's cache invalidation, called when a revocation arrives.
 */
export interface GuardFeed {
  check: AuthCheck;
  status(): FeedStatus;
  attach?(hooks: { clearCache(): void }): void;
}

/** Options of {@link createGuard}. Validated once; misuse throws `TypeError` naming the option. */
export interface GuardOptions {
  /** The exact issuer identifier (`iss`), also the base of discovery. */
  issuer: string;
  /** The audience this resource server accepts (`aud` must contain one of them). */
  audience: string | readonly string[];
  /** Allowed algorithms; default every asymmetric one. HS* only together with a local secret in `keys`. */
  algorithms?: readonly Alg[];
  /** Scopes every request must carry. */
  requiredScopes?: string | readonly string[];
  /** Seconds of leeway for `exp`/`nbf`; default 5. */
  clockTolerance?: number;
  /** Remote key set settings (ms). `uri` skips discovery (a static JWKS URL). */
  jwks?: {
    uri?: string;
    cacheMaxAge?: number;
    cooldown?: number;
    timeout?: number;
    maxStale?: number;
  };
  /** Local keys instead of a remote JWKS (e.g. an HS256 secret shared with the issuer). */
  keys?: Key | KeySet;
  /** The verified-token cache of `@signet/jose` (off by default). */
  cache?: boolean | { max?: number };
  /** `realm` of `WWW-Authenticate`; default `api`. */
  realm?: string;
  /** Accept `?access_token=` (RFC 6750 §2.3); default false (then it is a 400). */
  allowQueryToken?: boolean;
  /** false: requests without a token pass through with no `auth` (a bad token is still a 401). */
  authRequired?: boolean;
  /** Expected `typ`; default `at+jwt` (RFC 9068), `false` skips the check. */
  typ?: string | false;
  /** Further checks on every verified token. */
  checks?: readonly AuthCheck[];
  /** The revocation feed. */
  feed?: GuardFeed;
  /** Clock in ms; default `Date.now`. */
  now?: () => number;
  /** fetch used for discovery and JWKS; default the global one. */
  fetch?: typeof fetch;
  /** Receives every verification outcome and JWKS fetch (never the token). */
  onEvent?: (event: GuardEvent) => void;
  /** A prom-client registry to expose `jwks_fetch_total`, `token_verify_total`, `jwks_stale`. */
  metrics?: { registry: MetricsRegistry; prefix?: string };
}

const ASYMMETRIC = new Set<string>(GUARD_DEFAULTS.algorithms);
const ALL_ALGS = new Set<string>([...ASYMMETRIC, 'HS256', 'HS384', 'HS512']);

function fail(name: string, what: string): never {
  throw new TypeError(`"${name}" must be ${what}`);
}

function nonNegative(name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(name, 'a non-negative number');
  return v;
}

function httpUrl(name: string, v: unknown): string {
  if (typeof v !== 'string') fail(name, 'an http(s) URL string');
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    fail(name, 'an http(s) URL string');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(name, 'an http(s) URL string');
  return v;
}

function stringList(name: string, v: unknown, split: boolean): readonly string[] {
  const list =
    typeof v === 'string' && split ? v.split(' ').filter((s) => s !== '') : typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || list.some((s) => typeof s !== 'string' || s === '')) {
    fail(name, 'a non-empty string or an array of non-empty strings');
  }
  return Object.freeze([...(list as string[])]);
}

/** The validated, frozen options. */
export interface ResolvedOptions {
  issuer: string;
  audience: readonly string[];
  algorithms: readonly Alg[];
  requiredScopes: readonly string[];
  clockTolerance: number;
  jwks: { uri: string | undefined; cacheMaxAge: number; cooldown: number; timeout: number; maxStale: number };
  keys: Key | KeySet | undefined;
  cache: false | { max: number };
  realm: string;
  allowQueryToken: boolean;
  authRequired: boolean;
  typ: string | false;
  checks: readonly AuthCheck[];
  feed: GuardFeed | undefined;
  now: () => number;
  fetch: typeof fetch;
  onEvent: ((event: GuardEvent) => void) | undefined;
  metrics: { registry: MetricsRegistry; prefix: string } | undefined;
}

function keyAlgorithms(keys: Key | KeySet): Alg[] {
  const list = 'keys' in keys ? keys.keys : [keys as Key];
  return [...new Set(list.map((k) => k.alg))];
}

/** Validates {@link GuardOptions} once and applies the defaults of `defaults.ts`. */
export function resolveOptions(input: GuardOptions): ResolvedOptions {
  if (typeof input !== 'object' || input === null) throw new TypeError('options must be an object');
  const o = input as Partial<GuardOptions>;
  const issuer = httpUrl('issuer', o.issuer);
  const audience = stringList('audience', o.audience, false);
  const keys = o.keys;
  if (keys !== undefined && (typeof keys !== 'object' || keys === null)) fail('keys', 'a Key or a KeySet');
  let algorithms: readonly Alg[];
  if (o.algorithms === undefined) {
    algorithms = keys === undefined ? (GUARD_DEFAULTS.algorithms as readonly Alg[]) : keyAlgorithms(keys);
  } else {
    algorithms = stringList('algorithms', o.algorithms, false) as readonly Alg[];
    for (const a of algorithms) {
      if (!ALL_ALGS.has(a)) fail('algorithms', 'a list of JWS algorithms (none is not one)');
      // Algorithm confusion (RS256 → HS256 with the public key as secret) needs an HMAC algorithm in the
      // allowlist of a verifier holding public keys: refuse HS* unless the keys are local secrets.
      if (!ASYMMETRIC.has(a) && keys === undefined)
        fail('algorithms', 'asymmetric unless a local secret is in "keys"');
    }
  }
  const j = o.jwks ?? {};
  if (typeof j !== 'object' || j === null) fail('jwks', 'an object');
  const jwks = {
    uri: j.uri === undefined ? undefined : httpUrl('jwks.uri', j.uri),
    cacheMaxAge: nonNegative('jwks.cacheMaxAge', j.cacheMaxAge, GUARD_DEFAULTS.jwks.cacheMaxAge),
    cooldown: nonNegative('jwks.cooldown', j.cooldown, GUARD_DEFAULTS.jwks.cooldown),
    timeout: nonNegative('jwks.timeout', j.timeout, GUARD_DEFAULTS.jwks.timeout),
    maxStale: nonNegative('jwks.maxStale', j.maxStale, GUARD_DEFAULTS.jwks.maxStale),
  };
  if (keys !== undefined && jwks.uri !== undefined) fail('jwks.uri', 'absent when "keys" is given');
  let cache: ResolvedOptions['cache'] = false;
  if (o.cache === true) cache = { max: GUARD_DEFAULTS.cache.max };
  else if (typeof o.cache === 'object' && o.cache !== null) {
    cache = { max: nonNegative('cache.max', o.cache.max, GUARD_DEFAULTS.cache.max) };
  } else if (o.cache !== undefined && o.cache !== false) fail('cache', 'a boolean or { max }');
  const realm = o.realm ?? GUARD_DEFAULTS.realm;
  if (typeof realm !== 'string' || /[^\x20-\x7e]/.test(realm)) fail('realm', 'a printable ASCII string');
  const bool = (name: 'allowQueryToken' | 'authRequired', fallback: boolean) => {
    const v = o[name];
    if (v !== undefined && typeof v !== 'boolean') fail(name, 'a boolean');
    return v ?? fallback;
  };
  const typ = o.typ ?? GUARD_DEFAULTS.typ;
  if (typ !== false && (typeof typ !== 'string' || typ === '')) fail('typ', 'a non-empty string or false');
  const checks = o.checks ?? [];
  if (!Array.isArray(checks) || checks.some((c) => typeof c !== 'function'))
    fail('checks', 'an array of functions');
  if (o.feed !== undefined && (typeof o.feed?.check !== 'function' || typeof o.feed.status !== 'function')) {
    fail('feed', 'an object with check() and status()');
  }
  const fn = <T>(name: string, v: T | undefined): T | undefined => {
    if (v !== undefined && typeof v !== 'function') fail(name, 'a function');
    return v;
  };
  if (o.metrics !== undefined && typeof o.metrics?.registry?.registerMetric !== 'function') {
    fail('metrics.registry', 'a prom-client Registry');
  }
  return Object.freeze({
    issuer,
    audience,
    algorithms,
    requiredScopes:
      o.requiredScopes === undefined
        ? Object.freeze([])
        : stringList('requiredScopes', o.requiredScopes, true),
    clockTolerance: nonNegative('clockTolerance', o.clockTolerance, GUARD_DEFAULTS.clockTolerance),
    jwks: Object.freeze(jwks),
    keys,
    cache,
    realm,
    allowQueryToken: bool('allowQueryToken', GUARD_DEFAULTS.allowQueryToken),
    authRequired: bool('authRequired', GUARD_DEFAULTS.authRequired),
    typ,
    checks: Object.freeze([...checks]),
    feed: o.feed,
    now: fn('now', o.now) ?? Date.now,
    fetch: retryOnce(fn('fetch', o.fetch) ?? globalThis.fetch),
    onEvent: fn('onEvent', o.onEvent),
    metrics:
      o.metrics === undefined
        ? undefined
        : { registry: o.metrics.registry, prefix: o.metrics.prefix ?? 'signet_guard_' },
  });
}
