/**
 * Brute-force protection: counts **failed** client authentications per key (a `client_id` or an
 * address) in a sliding window approximated by two fixed windows (the previous window's count is
 * weighted by how much of it still overlaps). Successful requests never touch it, so the hot path
 * only pays for one map lookup per key. Memory is bounded: past `maxKeys` the oldest keys go.
 */
export class FailureThrottle {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { start: number; count: number; prev: number }>();

  constructor(options: { limit: number; windowSeconds: number; now: () => number; maxKeys?: number }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowSeconds * 1000;
    this.#now = options.now;
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  #roll(key: string, now: number): { start: number; count: number; prev: number } | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    const elapsed = now - e.start;
    if (elapsed >= 2 * this.#windowMs) {
      this.#entries.delete(key);
      return undefined;
    }
    if (elapsed >= this.#windowMs) {
      e.prev = e.count;
      e.count = 0;
      e.start += this.#windowMs;
    }
    return e;
  }

  #estimate(e: { start: number; count: number; prev: number }, now: number): number {
    const overlap = 1 - (now - e.start) / this.#windowMs;
    return e.count + e.prev * Math.max(0, overlap);
  }

  /**
   * Seconds to wait before `key` may try again, or 0 when it is not throttled.
   *
   * @example
   * const wait = throttle.retryAfter(`ip:${request.ip}`);
   */
  retryAfter(key: string): number {
    if (this.#entries.size === 0) return 0;
    const now = this.#now();
    const e = this.#roll(key, now);
    if (!e || this.#estimate(e, now) < this.#limit) return 0;
    // The estimate falls under the limit by the end of the current window at the latest.
    return Math.max(1, Math.ceil((e.start + this.#windowMs - now) / 1000));
  }

  /** Counts one failure for `key`. */
  fail(key: string): void {
    const now = this.#now();
    const e = this.#roll(key, now);
    if (e) {
      e.count++;
      return;
    }
    if (this.#entries.size >= this.#maxKeys) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { start: now, count: 1, prev: 0 });
  }

  /** Number of keys currently tracked (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }
}
