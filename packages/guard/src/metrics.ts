/** Results counted by `token_verify_total`. */
export type VerifyResult = 'ok' | 'invalid' | 'expired' | 'unavailable' | 'rejected' | 'forbidden';
/** Results counted by `jwks_fetch_total`. */
export type FetchResult = 'ok' | 'error' | 'timeout';

/** Plain counters, readable without any metrics library. */
export interface GuardCounters {
  readonly jwks_fetch_total: Record<FetchResult, number>;
  readonly token_verify_total: Record<VerifyResult, number>;
}

/**
 * The part of a prom-client `Registry` the guard uses (structural: prom-client is not a dependency).
 * Pass `new Registry()` or prom-client's default `register`.
 */
export interface MetricsRegistry {
  /** Takes a prom-client metric; the guard passes objects shaped like one (`name`, `help`, `type`, `get()`). */
  registerMetric: (metric: never) => void;
}

interface CollectedMetric {
  name: string;
  help: string;
  type: string;
  get(): Promise<{ name: string; help: string; type: string; values: unknown[]; aggregator: string }>;
}

/** Creates zeroed counters. */
export function createCounters(): GuardCounters {
  return {
    jwks_fetch_total: { ok: 0, error: 0, timeout: 0 },
    token_verify_total: { ok: 0, invalid: 0, expired: 0, unavailable: 0, rejected: 0, forbidden: 0 },
  };
}

/**
 * Exposes the counters (and a `jwks_stale` gauge) through a prom-client registry, read at scrape time,
 * so the hot path only increments plain numbers.
 */
export function registerCounters(
  registry: MetricsRegistry,
  counters: GuardCounters,
  prefix: string,
  stale: () => boolean,
): void {
  const register = (metric: CollectedMetric) => registry.registerMetric(metric as never);
  const counter = (name: keyof GuardCounters, help: string) => {
    const full = `${prefix}${name}`;
    register({
      name: full,
      help,
      type: 'counter',
      get: async () => ({
        name: full,
        help,
        type: 'counter',
        aggregator: 'sum',
        values: Object.entries(counters[name]).map(([result, value]) => ({ labels: { result }, value })),
      }),
    });
  };
  counter('jwks_fetch_total', 'JWKS fetches by result');
  counter('token_verify_total', 'Token verifications by result');
  const gauge = `${prefix}jwks_stale`;
  const help = '1 while the guard verifies with keys past their cache lifetime (issuer unreachable)';
  register({
    name: gauge,
    help,
    type: 'gauge',
    get: async () => ({
      name: gauge,
      help,
      type: 'gauge',
      aggregator: 'sum',
      values: [{ value: stale() ? 1 : 0 }],
    }),
  });
}
