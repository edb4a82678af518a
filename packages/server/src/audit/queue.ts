import type { AuditEvent } from '../store/types.js';
import type { AuditSink } from './sink.js';

/** Where the queue reports failed flushes (the logger in production). */
export type AuditErrorSink = (err: unknown, dropped: number) => void;

/**
 * The audit log's group commit: `record()` only appends to memory; a timer flushes the queue to the
 * store in one transaction every `flushIntervalMs`, or at once when `batchSize` events wait. So
 * issuance is not limited by one database write per token. `close()` flushes what is left.
 * While the store is unreachable events stay queued (bounded by `maxQueued`; beyond it the oldest
 * are dropped and reported).
 */
export class AuditQueue {
  readonly #sink: AuditSink;
  readonly #interval: number;
  readonly #batchSize: number;
  readonly #maxQueued: number;
  readonly #onError: AuditErrorSink;
  #queue: AuditEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #closed = false;

  constructor(
    sink: AuditSink,
    options: { flushIntervalMs: number; batchSize: number; maxQueued?: number; onError: AuditErrorSink },
  ) {
    this.#sink = sink;
    this.#interval = options.flushIntervalMs;
    this.#batchSize = options.batchSize;
    this.#maxQueued = options.maxQueued ?? 100_000;
    this.#onError = options.onError;
  }

  /**
   * Queues one event (never blocks, never throws).
   *
   * @example
   * audit.record({ at: now, type: 'token.issued', clientId, data: { jti, scope, aud, exp } });
   */
  record(event: AuditEvent): void {
    if (this.#closed) return;
    this.#queue.push(event);
    if (this.#queue.length > this.#maxQueued) {
      const dropped = this.#queue.length - this.#maxQueued;
      this.#queue.splice(0, dropped);
      this.#onError(new Error('audit queue full'), dropped);
    }
    if (this.#queue.length >= this.#batchSize) void this.flush();
    else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.flush();
      }, this.#interval);
      this.#timer.unref();
    }
  }

  /** Writes every queued event now (one transaction per batch). Resolves when written or failed. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    this.#flushing = this.#sink
      .append(batch)
      .catch((err: unknown) => {
        // Keep the events for the next attempt (in order), unless closing.
        if (!this.#closed) this.#queue = batch.concat(this.#queue);
        this.#onError(err, this.#closed ? batch.length : 0);
        if (!this.#closed && this.#timer === undefined) {
          this.#timer = setTimeout(() => {
            this.#timer = undefined;
            void this.flush();
          }, this.#interval * 20);
          this.#timer.unref();
        }
      })
      .finally(() => {
        this.#flushing = undefined;
      });
    await this.#flushing;
  }

  /** Events waiting to be written. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Flushes, stops accepting events and closes the sink. */
  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
    this.#closed = true;
    if (this.#queue.length > 0) await this.flush();
    await this.#sink.close();
  }
}
