import type { MetricsRegistry } from '../metrics.js';
import type { FeedCounters, RevocationFeedStatus } from './types.js';

const STATES: RevocationFeedStatus['state'][] = ['connecting', 'live', 'stale', 'failed'];

interface Sample {
  labels?: Record<string, string>;
  value: number;
}

/**
 * Exposes a feed through a prom-client registry, read at scrape time (the hot path only increments
 * plain numbers): `<prefix>revocation_feed_state{state}` (1 for the current state),
 * `…_entries`, `…_last_seq`, `…_events_total{result=applied|duplicate}`,
 * `…_rejected_total{reason=revoked|unavailable}`, `…_connects_total`, `…_resets_total`,
 * `…_errors_total`.
 *
 * @example
 * registerFeedMetrics(new Registry(), feed.status, 'signet_guard_');
 */
export function registerFeedMetrics(
  registry: MetricsRegistry,
  status: () => RevocationFeedStatus,
  prefix = 'signet_guard_',
): void {
  const metric = (name: string, type: 'gauge' | 'counter', help: string, values: () => Sample[]) => {
    const full = `${prefix}revocation_feed_${name}`;
    registry.registerMetric({
      name: full,
      help,
      type,
      get: async () => ({ name: full, help, type, aggregator: 'sum', values: values() }),
    } as never);
  };
  const c = (): FeedCounters => status().counters;
  metric('state', 'gauge', 'Revocation feed state (1 = current)', () => {
    const now = status().state;
    return STATES.map((state) => ({ labels: { state }, value: state === now ? 1 : 0 }));
  });
  metric('entries', 'gauge', 'Live revocation entries held in memory', () => [{ value: status().entries }]);
  metric('last_seq', 'gauge', 'Last revocation sequence number applied', () => [{ value: status().lastSeq }]);
  metric('events_total', 'counter', 'Revocation events received, by result', () => [
    { labels: { result: 'applied' }, value: c().applied },
    { labels: { result: 'duplicate' }, value: c().duplicates },
  ]);
  metric('rejected_total', 'counter', 'Tokens rejected by the feed, by reason', () => [
    { labels: { reason: 'revoked' }, value: c().rejected_revoked },
    { labels: { reason: 'unavailable' }, value: c().rejected_unavailable },
  ]);
  metric('connects_total', 'counter', 'Revocation streams opened', () => [{ value: c().connects }]);
  metric('resets_total', 'counter', 'Reset events (a new snapshot followed)', () => [{ value: c().resets }]);
  metric('errors_total', 'counter', 'Failed snapshots or streams', () => [{ value: c().errors }]);
}
