import { guardErrors } from '../errors.js';
import type { Auth } from '../types.js';
import { FeedFailure, fetchSnapshot, openStream, resetReason } from './http.js';
import { type ResolvedFeedOptions, type RevocationFeedOptions, resolveFeedOptions } from './options.js';
import { registerFeedMetrics } from './metrics.js';
import { parseEntry, type RevokedBy, RevocationSet } from './revocation-set.js';
import { SseParser } from './sse.js';
import type { FeedCounters, RevocationFeed, RevocationFeedStatus } from './types.js';

// Built once: a flood of revoked tokens costs no stack traces. The reason only reaches logs and hooks.
const REVOKED: Record<RevokedBy, Error> = {
  jti: guardErrors.invalidToken('api', 'revoked:jti'),
  subject: guardErrors.invalidToken('api', 'revoked:subject'),
  client: guardErrors.invalidToken('api', 'revoked:client'),
  kid: guardErrors.invalidToken('api', 'revoked:kid'),
};
const UNAVAILABLE = guardErrors.invalidToken('api', 'revocation_feed_unavailable');

/**
 * Subscribes to Signet's revocation feed (docs/revocation-feed.md): takes a snapshot, then follows
 * the Server-Sent Events stream from its sequence number; reconnects with exponential backoff and
 * `Last-Event-ID`; on `reset` takes a new snapshot. Each sequence number is applied once. Until the
 * first snapshot, and once the feed has been lost for longer than `maxStale`, `check` rejects every
 * token (fail closed).
 *
 * @example
 * const feed = createRevocationFeed({ issuer: 'http://127.0.0.1:8080', clientId, clientSecret });
 * const guard = createGuard({ issuer: 'http://127.0.0.1:8080', audience: 'orders', feed });
 * await feed.ready();
 */
export function createRevocationFeed(options: RevocationFeedOptions): RevocationFeed {
  const o = resolveFeedOptions(options);
  const feed = new FeedClient(o).api();
  if (o.metrics !== undefined) registerFeedMetrics(o.metrics.registry, feed.status, o.metrics.prefix);
  return feed;
}

class FeedClient {
  readonly #o: ResolvedFeedOptions;
  readonly #openBound: number;
  readonly #caches = new Set<() => void>();
  readonly counters: FeedCounters = {
    applied: 0,
    duplicates: 0,
    snapshots: 0,
    resets: 0,
    connects: 0,
    errors: 0,
    rejected_revoked: 0,
    rejected_unavailable: 0,
  };
  #set = new RevocationSet();
  #lastSeq = 0;
  #synced = false;
  #open = false;
  #needSnapshot = true;
  #lastHeardAt = 0;
  #lastEventAt: number | undefined;
  #lastSweep: number;
  #lastError: string | undefined;
  readonly #createdAt: number;
  #abort: AbortController | undefined;
  #closed = false;
  #wake: (() => void) | undefined;
  readonly #tick: NodeJS.Timeout;
  readonly #loop: Promise<void>;
  #readyWaiters: (() => void)[] = [];

  constructor(o: ResolvedFeedOptions) {
    this.#o = o;
    // An open stream is trusted until it has been silent for idleTimeout (keep-alives come every 15 s).
    this.#openBound = Math.max(o.maxStale, o.idleTimeout);
    this.#createdAt = o.now();
    this.#lastSweep = this.#createdAt;
    this.#tick = setInterval(() => this.#onTick(), Math.max(10, Math.min(1000, o.idleTimeout / 3)));
    this.#tick.unref();
    this.#loop = this.#run();
  }

  api(): RevocationFeed {
    return {
      check: (auth) => this.check(auth),
      status: () => this.status(),
      attach: (hooks) => {
        this.#caches.add(hooks.clearCache);
      },
      ready: (timeoutMs) => this.ready(timeoutMs),
      sweep: () => this.sweep(),
      counters: this.counters,
      close: () => this.close(),
    };
  }

  check(auth: Auth): void {
    const now = this.#o.now();
    if (!this.#synced || now - this.#lastHeardAt > (this.#open ? this.#openBound : this.#o.maxStale)) {
      this.counters.rejected_unavailable++;
      throw UNAVAILABLE;
    }
    const c = auth.claims;
    const by = this.#set.match(
      auth.jti,
      typeof auth.header.kid === 'string' ? auth.header.kid : undefined,
      typeof c.sub === 'string' ? c.sub : undefined,
      auth.clientId,
      typeof c.iat === 'number' ? c.iat : 0,
      Math.floor(now / 1000),
    );
    if (by !== undefined) {
      this.counters.rejected_revoked++;
      throw REVOKED[by];
    }
  }

  status(): RevocationFeedStatus {
    const now = this.#o.now();
    const silent = now - this.#lastHeardAt;
    let state: RevocationFeedStatus['state'];
    if (!this.#synced) {
      state =
        this.#lastError !== undefined && now - this.#createdAt > this.#o.maxStale ? 'failed' : 'connecting';
    } else if (this.#open && silent <= this.#o.idleTimeout) state = 'live';
    else state = silent <= (this.#open ? this.#openBound : this.#o.maxStale) ? 'stale' : 'failed';
    return {
      state,
      lastSeq: this.#lastSeq,
      entries: this.#set.size,
      connected: this.#open,
      lastEventAt: this.#lastEventAt,
      lastHeardAt: this.#synced ? this.#lastHeardAt : undefined,
      lastError: this.#lastError,
      counters: { ...this.counters },
    };
  }

  ready(timeoutMs = 10_000): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const err = new Error(
          `revocation feed not ready within ${timeoutMs} ms (${this.#lastError ?? 'no answer'})`,
        );
        reject(Object.assign(err, { code: 'ERR_GUARD_FEED_TIMEOUT' }));
      }, timeoutMs);
      this.#readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  sweep(): number {
    this.#lastSweep = this.#o.now();
    return this.#set.sweep(Math.floor(this.#lastSweep / 1000));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#tick);
    this.#abort?.abort();
    this.#wake?.();
    await this.#loop;
  }

  #onTick(): void {
    const now = this.#o.now();
    // A stream that went silent (server frozen, connection black-holed) is abandoned and reopened.
    if (this.#open && now - this.#lastHeardAt > this.#o.idleTimeout) this.#abort?.abort();
    if (now - this.#lastSweep >= this.#o.sweepInterval) this.sweep();
  }

  #clearCaches(): void {
    for (const clear of this.#caches) clear();
  }

  async #run(): Promise<void> {
    let attempt = 0;
    while (!this.#closed) {
      const ac = new AbortController();
      this.#abort = ac;
      let reason = 'ended';
      try {
        if (this.#needSnapshot) await this.#snapshot(ac.signal);
        reason = await this.#stream(ac.signal, () => {
          attempt = 0;
        });
      } catch (err) {
        if (this.#closed) break;
        this.counters.errors++;
        reason = err instanceof FeedFailure ? err.message : err instanceof Error ? err.name : 'error';
        this.#lastError = reason;
      }
      this.#open = false;
      if (this.#closed) break;
      this.#o.onEvent({ type: 'disconnected', reason });
      await this.#sleep(this.#delay(attempt++));
    }
    this.#open = false;
  }

  #delay(attempt: number): number {
    const b = this.#o.backoff;
    const base = Math.min(b.max, b.initial * b.factor ** Math.min(attempt, 30));
    return base * (1 - b.jitter * this.#o.random());
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  async #snapshot(signal: AbortSignal): Promise<void> {
    const { seq, set } = await fetchSnapshot(this.#o, signal);
    this.#set = set;
    this.#lastSeq = seq;
    this.#lastHeardAt = this.#o.now();
    this.#needSnapshot = false;
    this.#synced = true;
    this.counters.snapshots++;
    this.#clearCaches();
    this.#o.onEvent({ type: 'snapshot', seq, entries: set.size });
    for (const w of this.#readyWaiters.splice(0)) w();
  }

  async #stream(signal: AbortSignal, opened: () => void): Promise<string> {
    const body = await openStream(this.#o, this.#lastSeq, signal, () => this.#abort?.abort());
    this.#open = true;
    this.#lastHeardAt = this.#o.now();
    this.counters.connects++;
    opened();
    this.#o.onEvent({ type: 'connected', after: this.#lastSeq });
    let reset: string | undefined;
    const parser = new SseParser((e) => {
      if (reset !== undefined) return;
      if (e.event === 'revocation') this.#onRevocation(e.data);
      else if (e.event === 'reset') reset = e.data;
    });
    const reader = body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'ended';
        this.#lastHeardAt = this.#o.now();
        const applied = this.counters.applied;
        try {
          parser.push(decoder.decode(value, { stream: true }));
        } finally {
          // Once per received chunk, not per entry: a burst of revocations empties the cache once.
          if (this.counters.applied !== applied) this.#clearCaches();
        }
        if (reset !== undefined) {
          this.counters.resets++;
          this.#needSnapshot = true;
          this.#o.onEvent({ type: 'reset', reason: resetReason(reset) });
          return 'reset';
        }
      }
    } finally {
      this.#open = false;
      reader.cancel().catch(() => {});
    }
  }

  #onRevocation(data: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      throw new FeedFailure('stream: malformed event');
    }
    const e = parseEntry(parsed);
    if (e === undefined) throw new FeedFailure('stream: malformed event');
    // Ids are strictly increasing; one at or below the last applied is a replay (after a reconnect).
    // Gaps are normal: expired entries are never sent.
    if (e.seq <= this.#lastSeq) {
      this.counters.duplicates++;
      return;
    }
    this.#set.apply(e);
    this.#lastSeq = e.seq;
    this.#lastEventAt = this.#o.now();
    this.counters.applied++;
    this.#o.onEvent({ type: 'applied', seq: e.seq, kind: e.kind });
  }
}
