import type { ServerResponse } from 'node:http';
import type { FeedHub } from './hub.js';
import { type ResetReason, resetFrame, toFrame } from './wire.js';

/**
 * One subscriber's Server-Sent Events stream. It owns a cursor (the last sequence number it has
 * covered) and is pumped by the hub: from the hub's in-memory frames when its cursor is recent enough,
 * otherwise from the store by its own cursor. When its socket cannot take more (`write` returns
 * false) it pauses until `drain`, so a slow subscriber never makes the server buffer without bound.
 */
export class FeedStream {
  readonly #hub: FeedHub;
  readonly #res: ServerResponse;
  cursor: number;
  paused = false;
  #pumping = false;
  #again = false;
  #closed = false;

  /** Resolves `false` once the subscriber's client may no longer read the feed. */
  readonly allowed: () => Promise<boolean>;

  constructor(
    hub: FeedHub,
    res: ServerResponse,
    cursor: number,
    allowed: () => Promise<boolean> = async () => true,
  ) {
    this.#hub = hub;
    this.#res = res;
    this.cursor = cursor;
    this.allowed = allowed;
    res.on('close', () => this.#close());
    res.on('drain', () => {
      this.paused = false;
      this.pump();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#hub.delete(this);
  }

  #write(text: string): void {
    if (text === '' || this.#closed) return;
    if (!this.#res.write(text)) this.paused = true;
  }

  /** Sends what lies between the cursor and the hub's head. Re-entrant calls coalesce. */
  pump(): void {
    if (this.#closed || this.paused) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    void this.#loop()
      .catch(() => this.end())
      .finally(() => {
        this.#pumping = false;
      });
  }

  async #loop(): Promise<void> {
    const hub = this.#hub;
    const batchSize = hub.o.batchSize;
    do {
      this.#again = false;
      while (!this.#closed && !this.paused && this.cursor < hub.head) {
        const now = hub.nowSec();
        if (this.cursor >= hub.floor) {
          const head = hub.head;
          let text = '';
          for (const f of hub.since(this.cursor)) if (f.expiresAt > now) text += f.text;
          this.cursor = head;
          this.#write(text);
          continue;
        }
        // Behind what the hub keeps in memory: catch up from the table (gaps are expired entries).
        const head = hub.head;
        const batch = await hub.o.store.readRevocations(this.cursor, now, batchSize);
        let text = '';
        for (const r of batch) text += toFrame(r).text;
        const last = batch[batch.length - 1]?.seq ?? this.cursor;
        this.cursor = batch.length === batchSize ? last : Math.max(last, head);
        this.#write(text);
      }
    } while (this.#again && !this.#closed && !this.paused);
  }

  /** Writes a keep-alive comment unless the socket is already full (then it is not idle). */
  keepAlive(text: string): void {
    if (!this.paused) this.#write(text);
  }

  /** Tells the subscriber to take a snapshot, then closes the stream. */
  reset(reason: ResetReason): void {
    if (this.#closed) return;
    this.#res.end(resetFrame(reason));
    this.#close();
    // A subscriber that never reads would keep the socket (and its buffer) forever.
    setTimeout(() => this.#res.destroy(), 5_000).unref();
  }

  /** Ends the stream (server shutdown or an error): the subscriber reconnects with Last-Event-ID. */
  end(closeConnection = false): void {
    if (this.#closed) return;
    // At shutdown the connection goes too: a keep-alive client would send its reconnect down the
    // same socket to this replica instead of through the balancer to another one.
    const socket = this.#res.socket;
    this.#res.end();
    if (closeConnection) socket?.end();
    this.#close();
    setTimeout(() => this.#res.destroy(), 1_000).unref();
  }
}
