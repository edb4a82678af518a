import type { RevocationKind, RevocationRecord, Store } from '../store/types.js';

/** The claims a revocation check looks at. */
export interface RevocableToken {
  jti?: unknown;
  sub?: unknown;
  client_id?: unknown;
  iat?: unknown;
}

/**
 * The server's own view of the revocation list (for `/introspect`): revoked `jti`s and `kid`s, and
 * "not before" times per subject and per client. Kept current incrementally from the store by
 * sequence number (`readRevocations(lastSeq, …)`), so a revocation committed by another replica is
 * seen at the next refresh. Entries are dropped once expired.
 */
export class RevocationIndex {
  readonly #store: Store;
  readonly #now: () => number;
  readonly #minIntervalMs: number;
  readonly #maps: Record<RevocationKind, Map<string, { notBefore: number | null; expiresAt: number }>> = {
    jti: new Map(),
    subject: new Map(),
    client: new Map(),
    kid: new Map(),
  };
  #lastSeq = 0;
  #lastRefresh = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<void> | undefined;

  constructor(store: Store, options: { now: () => number; minIntervalMs?: number }) {
    this.#store = store;
    this.#now = options.now;
    this.#minIntervalMs = options.minIntervalMs ?? 100;
  }

  /** Highest sequence number applied. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Applies one committed entry (called right after a local commit, and by refresh). */
  apply(r: RevocationRecord): void {
    if (r.seq > this.#lastSeq) this.#lastSeq = r.seq;
    const map = this.#maps[r.kind];
    const prev = map.get(r.value);
    const notBefore =
      prev && prev.notBefore !== null && r.notBefore !== null
        ? Math.max(prev.notBefore, r.notBefore)
        : r.notBefore;
    map.set(r.value, { notBefore, expiresAt: Math.max(prev?.expiresAt ?? 0, r.expiresAt) });
  }

  /**
   * Reads entries committed since the last refresh (at most once per `minIntervalMs`; concurrent
   * callers share one read).
   *
   * @example
   * await index.refresh();
   */
  async refresh(force = false): Promise<void> {
    if (this.#refreshing) return this.#refreshing;
    if (!force && this.#now() - this.#lastRefresh < this.#minIntervalMs) return;
    this.#refreshing = (async () => {
      const now = Math.floor(this.#now() / 1000);
      for (;;) {
        const batch = await this.#store.readRevocations(this.#lastSeq, now, 1000);
        for (const r of batch) this.apply(r);
        if (batch.length < 1000) break;
      }
      this.#lastRefresh = this.#now();
    })().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  #live(kind: RevocationKind, value: unknown, nowSec: number): { notBefore: number | null } | undefined {
    if (typeof value !== 'string') return undefined;
    const e = this.#maps[kind].get(value);
    if (e === undefined) return undefined;
    if (e.expiresAt <= nowSec) {
      this.#maps[kind].delete(value);
      return undefined;
    }
    return e;
  }

  /** Whether a token (its claims and the `kid` that signed it) is revoked at `nowSec`. */
  isRevoked(token: RevocableToken, kid: string | undefined, nowSec: number): boolean {
    if (this.#live('jti', token.jti, nowSec)) return true;
    if (kid !== undefined && this.#live('kid', kid, nowSec)) return true;
    const iat = typeof token.iat === 'number' ? token.iat : Number.NEGATIVE_INFINITY;
    const sub = this.#live('subject', token.sub, nowSec);
    if (sub && (sub.notBefore === null || iat < sub.notBefore)) return true;
    const client = this.#live('client', token.client_id, nowSec);
    return client !== undefined && (client.notBefore === null || iat < client.notBefore);
  }
}
