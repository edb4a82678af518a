import type { ClientRecord, Store } from '../store/types.js';
import { hashBytes } from './secret.js';

/** A client as the token endpoint needs it, with its secret digests decoded once. */
export interface CachedClient {
  record: ClientRecord;
  secretDigest: Buffer | undefined;
  previousDigest: Buffer | undefined;
  scopeSet: ReadonlySet<string>;
  audienceSet: ReadonlySet<string>;
}

interface Entry {
  client: CachedClient | undefined;
  expires: number;
}

/**
 * In-memory cache of client records: the token endpoint reads no database row per request. Entries
 * live `ttlSeconds` (with several replicas this bounds how long a change takes to reach the others)
 * and are dropped at once on this replica when the admin API changes a client. Unknown ids are
 * cached too (briefly), so guessing ids does not hit the database. Concurrent misses share one load.
 */
export class ClientCache {
  readonly #store: Store;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #max: number;
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<CachedClient | undefined>>();

  constructor(store: Store, options: { ttlSeconds: number; now: () => number; max?: number }) {
    this.#store = store;
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#now = options.now;
    this.#max = options.max ?? 50_000;
  }

  /**
   * The client with this id, from memory when fresh.
   *
   * @example
   * const client = await clients.get(clientId);
   */
  get(id: string): Promise<CachedClient | undefined> | CachedClient | undefined {
    const e = this.#entries.get(id);
    if (e !== undefined && e.expires > this.#now()) return e.client;
    const pending = this.#loading.get(id);
    if (pending) return pending;
    const load = this.#load(id).finally(() => this.#loading.delete(id));
    this.#loading.set(id, load);
    return load;
  }

  async #load(id: string): Promise<CachedClient | undefined> {
    const record = await this.#store.getClient(id);
    const client = record === undefined ? undefined : toCached(record);
    if (this.#ttlMs > 0) {
      if (this.#entries.size >= this.#max) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
      this.#entries.set(id, { client, expires: this.#now() + this.#ttlMs });
    }
    return client;
  }

  /** Drops one client (after an admin change on this replica). */
  invalidate(id: string): void {
    this.#entries.delete(id);
  }

  /** Drops everything. */
  clear(): void {
    this.#entries.clear();
  }
}

/** Decodes what the hot path needs from a record, once. */
export function toCached(record: ClientRecord): CachedClient {
  return {
    record,
    secretDigest: hashBytes(record.secretHash),
    previousDigest: hashBytes(record.previousSecretHash),
    scopeSet: new Set(record.scopes),
    audienceSet: new Set(record.audiences),
  };
}
