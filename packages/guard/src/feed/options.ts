import type { MetricsRegistry } from '../metrics.js';

/** Defaults of {@link createRevocationFeed} (milliseconds). */
export const FEED_DEFAULTS = Object.freeze({
  /** How long the guard keeps accepting tokens with the list it has once the feed is lost. */
  maxStale: 30_000,
  /** A stream silent this long is dead (the server sends a keep-alive every 15 s). */
  idleTimeout: 45_000,
  /** Timeout of the snapshot request and of opening the stream. */
  timeout: 10_000,
  /** How often expired entries are swept out of memory. */
  sweepInterval: 10_000,
  /** Reconnect delays: exponential from `initial` to `max`, each shortened by up to `jitter` of itself. */
  backoff: Object.freeze({ initial: 100, max: 5_000, factor: 2, jitter: 0.5 }),
});

/** What the feed reports to `onEvent` (for logs; never a secret or a token). */
export type FeedEvent =
  | { type: 'snapshot'; seq: number; entries: number }
  | { type: 'connected'; after: number }
  | { type: 'disconnected'; reason: string }
  | { type: 'reset'; reason: string }
  | { type: 'applied'; seq: number; kind: string };

/** Options of {@link createRevocationFeed}. */
export interface RevocationFeedOptions {
  /** The issuer: the feed is at `<issuer>/revocations` … */
  issuer?: string;
  /** … or this base URL instead (another replica, a proxy). */
  url?: string;
  /** A client with the `revocations` capability (HTTP Basic). */
  clientId: string;
  clientSecret: string;
  /** ms; default 30 000. */
  maxStale?: number;
  /** ms; default 45 000. */
  idleTimeout?: number;
  /** ms; default 10 000. */
  timeout?: number;
  /** ms; default 10 000. */
  sweepInterval?: number;
  backoff?: { initial?: number; max?: number; factor?: number; jitter?: number };
  /** Clock in ms; default `Date.now`. */
  now?: () => number;
  /** default the global fetch. */
  fetch?: typeof fetch;
  onEvent?: (event: FeedEvent) => void;
  /** Random source in [0, 1) for the backoff jitter (tests). */
  random?: () => number;
  /** A prom-client registry to expose `<prefix>revocation_feed_*` (prefix default `signet_guard_`). */
  metrics?: { registry: MetricsRegistry; prefix?: string };
}

/** The validated options. */
export interface ResolvedFeedOptions {
  snapshotUrl: string;
  streamUrl: string;
  authorization: string;
  maxStale: number;
  idleTimeout: number;
  timeout: number;
  sweepInterval: number;
  backoff: { initial: number; max: number; factor: number; jitter: number };
  now: () => number;
  fetch: typeof fetch;
  onEvent: (event: FeedEvent) => void;
  random: () => number;
  metrics: { registry: MetricsRegistry; prefix: string } | undefined;
}

function fail(name: string, what: string): never {
  throw new TypeError(`"${name}" must be ${what}`);
}

function ms(name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(name, 'a non-negative number');
  return v;
}

/** Validates the options once (misuse throws `TypeError` naming the option). */
export function resolveFeedOptions(o: RevocationFeedOptions): ResolvedFeedOptions {
  if (typeof o !== 'object' || o === null) throw new TypeError('options must be an object');
  const raw = o.url ?? o.issuer;
  if (typeof raw !== 'string') fail('issuer', 'an http(s) URL string (or give "url")');
  let base: URL;
  try {
    base = new URL(raw);
  } catch {
    fail(o.url === undefined ? 'issuer' : 'url', 'an http(s) URL string');
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') fail('url', 'an http(s) URL string');
  const root = base.href.replace(/\/+$/, '');
  if (typeof o.clientId !== 'string' || o.clientId === '') fail('clientId', 'a non-empty string');
  if (typeof o.clientSecret !== 'string' || o.clientSecret === '') fail('clientSecret', 'a non-empty string');
  // RFC 6749 §2.3.1: both are form-urlencoded before the Basic encoding.
  const form = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  const credentials = Buffer.from(`${form(o.clientId)}:${form(o.clientSecret)}`).toString('base64');
  const b = o.backoff ?? {};
  const d = FEED_DEFAULTS.backoff;
  const fn = <T>(name: string, v: T | undefined): T | undefined => {
    if (v !== undefined && typeof v !== 'function') fail(name, 'a function');
    return v;
  };
  const jitter = ms('backoff.jitter', b.jitter, d.jitter);
  if (jitter > 1) fail('backoff.jitter', 'between 0 and 1');
  return Object.freeze({
    snapshotUrl: `${root}/revocations`,
    streamUrl: `${root}/revocations/stream`,
    authorization: `Basic ${credentials}`,
    maxStale: ms('maxStale', o.maxStale, FEED_DEFAULTS.maxStale),
    idleTimeout: ms('idleTimeout', o.idleTimeout, FEED_DEFAULTS.idleTimeout),
    timeout: ms('timeout', o.timeout, FEED_DEFAULTS.timeout),
    sweepInterval: ms('sweepInterval', o.sweepInterval, FEED_DEFAULTS.sweepInterval),
    backoff: {
      initial: ms('backoff.initial', b.initial, d.initial),
      max: ms('backoff.max', b.max, d.max),
      factor: Math.max(1, ms('backoff.factor', b.factor, d.factor)),
      jitter,
    },
    now: fn('now', o.now) ?? Date.now,
    fetch: fn('fetch', o.fetch) ?? globalThis.fetch,
    onEvent: fn('onEvent', o.onEvent) ?? (() => {}),
    random: fn('random', o.random) ?? Math.random,
    metrics:
      o.metrics === undefined
        ? undefined
        : typeof o.metrics?.registry?.registerMetric === 'function'
          ? { registry: o.metrics.registry, prefix: o.metrics.prefix ?? 'signet_guard_' }
          : fail('metrics.registry', 'a prom-client Registry'),
  });
}
