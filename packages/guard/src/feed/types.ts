import type { FeedStatus, GuardFeed } from '../options.js';
import type { Auth } from '../types.js';

/** Plain counters of one feed (no metrics library needed). */
export interface FeedCounters {
  /** Entries applied from the stream. */
  applied: number;
  /** Entries received again (seq not above the last applied): ignored. */
  duplicates: number;
  snapshots: number;
  /** `reset` events received. */
  resets: number;
  /** Streams opened. */
  connects: number;
  /** Failed snapshots or streams (network, HTTP status, protocol). */
  errors: number;
  /** Tokens rejected because an entry kills them … */
  rejected_revoked: number;
  /** … or because the feed has been lost for longer than `maxStale`. */
  rejected_unavailable: number;
}

/** What `status()` (and so `guard.health().feed`) reports. */
export interface RevocationFeedStatus extends FeedStatus {
  /** `connecting` (no list yet), `live`, `stale` (lost, still accepting), `failed` (rejecting everything). */
  state: 'connecting' | 'live' | 'stale' | 'failed';
  lastSeq: number;
  entries: number;
  connected: boolean;
  /** ms: when the last entry was applied / when the server was last heard from. */
  lastEventAt: number | undefined;
  lastHeardAt: number | undefined;
  lastError: string | undefined;
  counters: Readonly<FeedCounters>;
}

/** A revocation feed client, to pass as `createGuard({ feed })` (one feed can serve several guards). */
export interface RevocationFeed extends GuardFeed {
  /** Throws a 401 `invalid_token` GuardError (reason `revoked:<kind>` or `revocation_feed_unavailable`). */
  check(auth: Auth): void;
  status(): RevocationFeedStatus;
  /** Resolves once the first snapshot is applied (rejects after `timeoutMs`). */
  ready(timeoutMs?: number): Promise<void>;
  /** Drops expired entries now (also done every `sweepInterval`); returns how many. */
  sweep(): number;
  readonly counters: Readonly<FeedCounters>;
  close(): Promise<void>;
}
