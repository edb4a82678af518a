import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import type { FeedStream } from './stream.js';
import { type Frame, KEEP_ALIVE, toFrame } from './wire.js';

/** Settings of a {@link FeedHub} (`feed` in the server configuration). */
export interface FeedHubOptions {
  store: Store;
  logger: Logger;
  /** Clock in milliseconds. */
  now: () => number;
  keepAliveMs: number;
  pollIntervalMs: number;
  maxLag: number;
  /** Rows per read; default 1000. */
  batchSize?: number;
  /** Frames kept in memory for streams that are up to date; default 10 000. */
  recentMax?: number;
}

/**
 * The one reader of the revocations table behind every stream of this replica.
 *
 * The table is the truth. A wake-up (the store's watch: LISTEN/NOTIFY on PostgreSQL, in-process on
 * SQLite) or the slow safety poll makes the hub read the rows after its `head` once, keep their frames
 * in `recent` and pump every stream. `recent` holds every relevant entry with `floor < seq ≤ head`,
 * so a stream whose cursor is at least `floor` is served from memory; a stream further behind reads
 * the store by its own cursor. Sequence numbers become visible in order (SQLite has one writer; on
 * PostgreSQL `addRevocation` holds an advisory lock from nextval() to COMMIT), so reading `seq > head`
 * never skips a row that commits later.
 */
export class FeedHub {
  readonly o: Required<FeedHubOptions>;
  readonly streams = new Set<FeedStream>();
  /** Highest sequence number read from the store. */
  head = 0;
  /** `recent` is complete above this sequence number. */
  floor = 0;
  #recent: Frame[] = [];
  #started: Promise<void> | undefined;
  #unwatch: (() => Promise<void>) | undefined;
  #timers: NodeJS.Timeout[] = [];
  #reading = false;
  #dirty = false;
  #closed = false;

  constructor(options: FeedHubOptions) {
    this.o = { batchSize: 1000, recentMax: 10_000, ...options };
  }

  /** Seconds since the epoch by the injected clock. */
  nowSec(): number {
    return Math.floor(this.o.now() / 1000);
  }

  /** Starts watching the store (once); resolves when `head` is known. */
  start(): Promise<void> {
    // A failed start (store unreachable) is retried by the next subscriber, not cached.
    this.#started ??= this.#start().catch(async (err: unknown) => {
      this.#started = undefined;
      const unwatch = this.#unwatch;
      this.#unwatch = undefined;
      await unwatch?.().catch(() => {});
      throw err;
    });
    return this.#started;
  }

  async #start(): Promise<void> {
    // Watch first, then read the head: a commit in between wakes us, nothing falls in the gap.
    // Wake-ups before the head is known are held (`#dirty`) and replayed below.
    this.#reading = true;
    try {
      this.#unwatch = await this.o.store.watchRevocations(() => this.wake());
      this.head = await this.o.store.lastRevocationSeq();
    } finally {
      this.#reading = false;
    }
    this.floor = this.head;
    if (this.#dirty) this.wake();
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.#timers.push(t);
    };
    every(this.o.pollIntervalMs, () => this.wake());
    every(this.o.keepAliveMs, () => {
      for (const s of this.streams) {
        s.keepAlive(KEEP_ALIVE);
        // A client disabled (or stripped of the capability) after it connected loses its stream.
        s.allowed().then(
          (ok) => {
            if (!ok) s.end();
          },
          () => {},
        );
      }
    });
  }

  /** Something was committed (or the poll fired): read from `head`. Concurrent wake-ups coalesce. */
  wake(): void {
    if (this.#closed) return;
    if (this.#reading) {
      this.#dirty = true;
      return;
    }
    this.#reading = true;
    void this.#read();
  }

  async #read(): Promise<void> {
    try {
      do {
        this.#dirty = false;
        for (;;) {
          const batch = await this.o.store.readRevocations(this.head, this.nowSec(), this.o.batchSize);
          for (const r of batch) this.#recent.push(toFrame(r));
          const last = batch[batch.length - 1];
          if (last !== undefined) this.head = last.seq;
          this.#trim();
          this.#pumpAll();
          if (batch.length < this.o.batchSize || this.#closed) break;
        }
      } while (this.#dirty && !this.#closed);
    } catch (err) {
      // The store is unreachable: the next wake-up or poll retries from the same head.
      this.o.logger.warn({ err }, 'revocation feed: reading the store failed');
    } finally {
      this.#reading = false;
    }
  }

  #trim(): void {
    const excess = this.#recent.length - this.o.recentMax;
    if (excess <= 0) return;
    this.floor = this.#recent[excess - 1]!.seq;
    this.#recent = this.#recent.slice(excess);
  }

  #pumpAll(): void {
    for (const s of this.streams) {
      // A stream that cannot drain its socket and lags too far is cheaper to restart from a snapshot.
      if (s.paused && this.head - s.cursor > this.o.maxLag) s.reset('behind');
      else s.pump();
    }
  }

  /** Frames with `seq > cursor` (needs `cursor ≥ floor`), oldest first. */
  since(cursor: number): Frame[] {
    const list = this.#recent;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.seq <= cursor) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? list : list.slice(lo);
  }

  /** True once {@link close} ran: the replica is shutting down and takes no new stream. */
  get closed(): boolean {
    return this.#closed;
  }

  add(stream: FeedStream): void {
    this.streams.add(stream);
  }

  delete(stream: FeedStream): void {
    this.streams.delete(stream);
  }

  /** Ends every stream (subscribers reconnect, possibly to another replica) and stops watching. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    for (const s of this.streams) s.end(true);
    this.streams.clear();
    const unwatch = this.#unwatch;
    this.#unwatch = undefined;
    await unwatch?.().catch(() => {});
  }
}
