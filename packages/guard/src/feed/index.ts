/** The revocation feed client (docs/revocation-feed.md), re-exported by the package index. */
export { createRevocationFeed } from './feed.js';
export { registerFeedMetrics } from './metrics.js';
export { FEED_DEFAULTS, type FeedEvent, type RevocationFeedOptions } from './options.js';
export { type FeedEntry, RevocationSet, type RevokedBy } from './revocation-set.js';
export { type SseEvent, SseParser } from './sse.js';
export type { FeedCounters, RevocationFeed, RevocationFeedStatus } from './types.js';
