/**
 * Wake-ups for the revocation feed. The `revocations` table is the truth; a wake-up only says
 * "something was committed, re-read from your cursor". On PostgreSQL a dedicated connection LISTENs
 * to the channel that `addRevocation` NOTIFYs inside its transaction (delivered at commit, to every
 * replica); on SQLite (one process) the store wakes its own listeners after a write.
 */
import pg from 'pg';

/** The NOTIFY channel, payload = the new seq. */
export const REVOCATION_CHANNEL = 'signet_revocations';

/** Fans one wake-up out to every listener; a throwing listener does not stop the others. */
export class Wakeups {
  readonly #listeners = new Set<() => void>();

  get size(): number {
    return this.#listeners.size;
  }

  add(listener: () => void): void {
    this.#listeners.add(listener);
  }

  delete(listener: () => void): void {
    this.#listeners.delete(listener);
  }

  emit(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch {
        // A listener's failure is its own; the others still hear the wake-up.
      }
    }
  }
}

/**
 * A LISTEN connection that reconnects by itself (every `retryMs` while PostgreSQL is away) and emits
 * a wake-up after each (re)connect, since notifications sent while it was away are lost.
 */
export class PgRevocationListener {
  readonly #url: string;
  readonly #connectTimeoutMs: number;
  readonly #retryMs: number;
  readonly #wakeups: Wakeups;
  #client: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(url: string, wakeups: Wakeups, options: { connectTimeoutMs: number; retryMs?: number }) {
    this.#url = url;
    this.#wakeups = wakeups;
    this.#connectTimeoutMs = options.connectTimeoutMs;
    this.#retryMs = options.retryMs ?? 1000;
  }

  /** Connects once (resolves even when that fails: it keeps retrying in the background). */
  async start(): Promise<void> {
    await this.#connect();
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({
      connectionString: this.#url,
      connectionTimeoutMillis: this.#connectTimeoutMs,
      keepAlive: true,
    });
    let lost = false;
    const onLost = (): void => {
      if (lost) return;
      lost = true;
      if (this.#client === client) this.#client = undefined;
      client.end().catch(() => {});
      this.#scheduleRetry();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (message) => {
      if (message.channel === REVOCATION_CHANNEL) this.#wakeups.emit();
    });
    try {
      await client.connect();
      await client.query(`listen ${REVOCATION_CHANNEL}`);
    } catch {
      onLost();
      return;
    }
    if (this.#closed) {
      lost = true;
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#wakeups.emit();
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#connect();
    }, this.#retryMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) {
      client.removeAllListeners('end');
      client.on('error', () => {});
      await client.end().catch(() => {});
    }
  }
}
