import { randomIdentifier } from '../random.js';
import {
  type Alg,
  createLocalKeySet,
  createSigner,
  exportJwk,
  generateKeyPair,
  importJwk,
  type Jwk,
  type JwtClaims,
  type KeySet,
} from '@signet/jose';
import type { AuditQueue } from '../audit/queue.js';
import { OAuthError } from '../errors.js';
import type { Metrics } from '../metrics/registry.js';
import type { RevocationRecord, SigningKeyRecord, Store } from '../store/types.js';
import type { Keyring } from './kek.js';
import {
  type NewKeyTimes,
  planRotation,
  publishedAt,
  type RotationTiming,
  signerAt,
  stateAt,
  successorOf,
  timesFrom,
} from './rotation.js';

/** A key as the manager holds it: the record, its public JWK, and a prepared signer once decrypted. */
interface LiveKey {
  record: SigningKeyRecord;
  publicJwk: Jwk;
}

/** A prepared signing function bound to one key. */
export interface ActiveSigner {
  kid: string;
  alg: string;
  sign: (claims: JwtClaims) => string;
}

/** The public view of a key (admin API, `signet keys list`). Never the private part. */
export interface KeyView {
  kid: string;
  alg: string;
  state: string;
  activatesAt: number;
  retiresAt: number;
  removesAt: number;
  revokedAt: number | null;
  publicJwk: Jwk;
}

export interface KeyManagerOptions {
  store: Store;
  keyring: Keyring;
  alg: Alg;
  timing: RotationTiming;
  /** Clock in milliseconds. */
  now: () => number;
  audit: AuditQueue;
  metrics: Metrics;
  /** Unique id of this replica (holder of the rotation lease). */
  holder: string;
  /** How long the rotation lease lasts, in seconds. */
  leaseSeconds: number;
}

const AAD = 'signet-signing-key:';
/** The lease that orders operator key changes across replicas, and how long one may hold it. */
const ADMIN_LEASE = 'key-admin';
const ADMIN_LOCK_SECONDS = 30;
/** How long an operator key change waits for the lease before it runs without it. */
const ADMIN_LOCK_WAIT_MS = 5000;

/**
 * Owns the signing keys: loads them from the store (every replica, periodically), keeps the active
 * signer prepared for the hot path, publishes the JWKS, and runs rotation ticks under a lease so
 * that exactly one replica rotates. Private keys are decrypted in memory only, never exported.
 */
export class KeyManager {
  readonly #o: KeyManagerOptions;
  #keys: LiveKey[] = [];
  #signers = new Map<string, ActiveSigner>();
  #current: { signer: ActiveSigner; from: number; until: number } | undefined;
  #loadedAt: number | undefined;
  #verification: { id: string; set: KeySet } | undefined;

  constructor(options: KeyManagerOptions) {
    this.#o = options;
  }

  #nowSec(): number {
    return Math.floor(this.#o.now() / 1000);
  }

  /** Operator key changes of this replica, one after the other (the lease is per replica). */
  #adminQueue: Promise<unknown> = Promise.resolve();

  /**
   * Runs an operator's key change (rotate, revoke) holding the `key-admin` lease, so the same change
   * sent to two replicas at once runs one after the other and the second sees the first's result:
   * every replica then lists the same keys. Past {@link ADMIN_LOCK_WAIT_MS} (a replica died holding
   * it) the change runs anyway; successor de-duplication keeps the store right without the lease.
   */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#adminQueue.then(async () => {
      const deadline = Date.now() + ADMIN_LOCK_WAIT_MS;
      let held = false;
      for (;;) {
        const now = this.#nowSec();
        held = await this.#o.store.acquireLease(ADMIN_LEASE, this.#o.holder, now, now + ADMIN_LOCK_SECONDS);
        if (held || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 30));
      }
      try {
        return await fn();
      } finally {
        if (held) await this.#o.store.releaseLease(ADMIN_LEASE, this.#o.holder).catch(() => {});
      }
    });
    this.#adminQueue = run.catch(() => {});
    return run;
  }

  /** True once keys were loaded and one can sign now (for `/readyz`). */
  ready(): boolean {
    if (this.#loadedAt === undefined) return false;
    return signerAt(this.records(), this.#nowSec()) !== undefined;
  }

  /** The current records (no private parts). */
  records(): SigningKeyRecord[] {
    return this.#keys.map((k) => k.record);
  }

  /** Reloads every key from the store. */
  async reload(): Promise<void> {
    const records = await this.#o.store.listKeys();
    this.#keys = records.map((record) => ({ record, publicJwk: JSON.parse(record.publicJwk) as Jwk }));
    for (const kid of this.#signers.keys()) {
      if (!records.some((r) => r.kid === kid && r.state !== 'revoked')) this.#signers.delete(kid);
    }
    this.#current = undefined;
    this.#verification = undefined;
    this.#loadedAt = this.#o.now();
    const counts: Record<string, number> = { next: 0, active: 0, retired: 0, revoked: 0 };
    const now = this.#nowSec();
    const signer = signerAt(records, now);
    for (const r of records) counts[stateAt(r, signer, now)] = (counts[stateAt(r, signer, now)] ?? 0) + 1;
    for (const [state, n] of Object.entries(counts)) this.#o.metrics.signingKeys.labels(state).set(n);
  }

  #prepare(record: SigningKeyRecord): ActiveSigner {
    const cached = this.#signers.get(record.kid);
    if (cached) return cached;
    const jwk = JSON.parse(
      this.#o.keyring.open(record.privateKeyEnc, AAD + record.kid).toString('utf8'),
    ) as Jwk;
    const key = importJwk(jwk, { alg: record.alg as Alg, kid: record.kid });
    const sign = createSigner(key, { typ: 'at+jwt', iat: false });
    const signer: ActiveSigner = { kid: record.kid, alg: record.alg, sign };
    this.#signers.set(record.kid, signer);
    return signer;
  }

  /**
   * The signer for `now` (seconds). Hot path: one comparison while the same key signs.
   *
   * @example
   * const token = keys.signer(nowSec).sign(claims);
   */
  signer(now: number): ActiveSigner {
    const c = this.#current;
    if (c !== undefined && now >= c.from && now < c.until) return c.signer;
    const records = this.records();
    const record = signerAt(records, now);
    if (!record) {
      throw new OAuthError(503, 'temporarily_unavailable', 'no signing key is available', {
        detail: 'no active signing key',
        headers: { 'retry-after': '5' },
      });
    }
    const next = successorOf(records, record, now);
    const signer = this.#prepare(record);
    this.#current = {
      signer,
      from: record.activatesAt,
      until: next ? next.activatesAt : Number.POSITIVE_INFINITY,
    };
    return signer;
  }

  /**
   * The JWKS published at `now` (seconds): next, active and retired keys not yet removed.
   *
   * @example
   * reply.send(keys.jwks(nowSec));
   */
  jwks(now: number): { keys: Jwk[] } {
    const published = new Set(publishedAt(this.records(), now));
    return { keys: this.#keys.filter((k) => published.has(k.record)).map((k) => k.publicJwk) };
  }

  /** A local key set of the keys published at `now` (to verify our own tokens), rebuilt on change. */
  verificationSet(now: number): KeySet {
    const jwks = this.jwks(now);
    const id = jwks.keys.map((k) => k.kid).join(',');
    if (this.#verification?.id !== id) this.#verification = { id, set: createLocalKeySet(jwks) };
    return this.#verification.set;
  }

  /** Public views of every key, with their state at `now`. */
  list(now: number): KeyView[] {
    const signer = signerAt(this.records(), now);
    return this.#keys.map(({ record: r, publicJwk }) => ({
      kid: r.kid,
      alg: r.alg,
      state: stateAt(r, signer, now),
      activatesAt: r.activatesAt,
      retiresAt: r.retiresAt,
      removesAt: r.removesAt,
      revokedAt: r.revokedAt,
      publicJwk,
    }));
  }

  async #createKey(times: NewKeyTimes, now: number, actor: string): Promise<string> {
    // Short random kid (48 bits; a handful of keys exist at a time): every token carries it. Never
    // starting with "-", since `signet keys revoke <kid>` takes it on a command line.
    const kid = randomIdentifier(6);
    const { privateKey, publicKey } = generateKeyPair(this.#o.alg, { kid });
    const privateJwk = JSON.stringify(exportJwk(privateKey, { private: true }));
    const record: SigningKeyRecord = {
      kid,
      alg: this.#o.alg,
      state: times.activatesAt <= now ? 'active' : 'next',
      publicJwk: JSON.stringify(exportJwk(publicKey)),
      privateKeyEnc: this.#o.keyring.seal(Buffer.from(privateJwk, 'utf8'), AAD + kid),
      createdAt: now,
      ...times,
      revokedAt: null,
    };
    await this.#o.store.insertKey(record);
    this.#o.audit.record({
      at: now,
      type: 'key.created',
      clientId: null,
      data: { kid, alg: record.alg, activatesAt: times.activatesAt, actor },
    });
    return kid;
  }

  /**
   * Two replicas can create a successor at the same moment (an operator's rotation sent to both, or
   * a rotation racing a tick). Lock-free resolution: every creator, after its insert, keeps only the
   * pending successor that sorts first by (`createdAt`, `kid`) and deletes the others — every
   * replica picks the same one. A deleted duplicate never signed (it was not active yet).
   */
  async #dedupeSuccessors(now: number): Promise<void> {
    const t = this.#o.timing;
    const records = await this.#o.store.listKeys();
    const signer = signerAt(records, now);
    const pending = records
      .filter(
        (r) =>
          r.state !== 'revoked' && r.activatesAt > now && (!signer || r.activatesAt > signer.activatesAt),
      )
      .sort((a, b) => a.createdAt - b.createdAt || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0));
    if (pending.length < 2) return;
    const [keep, ...extra] = pending as [SigningKeyRecord, ...SigningKeyRecord[]];
    for (const r of extra) await this.#o.store.deleteKey(r.kid);
    if (signer && signer.retiresAt !== keep.activatesAt) {
      await this.#o.store.updateKey(signer.kid, {
        retiresAt: keep.activatesAt,
        removesAt: keep.activatesAt + t.maxTtl + t.clockSkew,
      });
    }
  }

  /**
   * One rotation tick under the `key-rotation` lease (only the lease holder changes keys; every
   * replica reloads). Returns whether this replica held the lease.
   */
  async tick(): Promise<boolean> {
    const now = this.#nowSec();
    const held = await this.#o.store.acquireLease(
      'key-rotation',
      this.#o.holder,
      now,
      now + this.#o.leaseSeconds,
    );
    if (held) {
      const records = await this.#o.store.listKeys();
      const plan = planRotation(records, now, this.#o.timing);
      if (plan.create) {
        await this.#createKey(plan.create, now, 'rotation');
        await this.#dedupeSuccessors(now);
      }
      for (const u of plan.update) await this.#o.store.updateKey(u.kid, u.patch);
      for (const kid of plan.remove) {
        await this.#o.store.deleteKey(kid);
        this.#o.audit.record({ at: now, type: 'key.removed', clientId: null, data: { kid } });
      }
    }
    await this.reload();
    return held;
  }

  /**
   * Starts a rotation now (admin): a successor is created (or the pending one brought forward), and
   * signs as soon as it has been published for `publishAhead` — never earlier.
   */
  rotate(actor: string): Promise<void> {
    return this.#exclusive(() => this.#rotate(actor));
  }

  async #rotate(actor: string): Promise<void> {
    const now = this.#nowSec();
    const t = this.#o.timing;
    const records = await this.#o.store.listKeys();
    const signer = signerAt(records, now);
    const successor = successorOf(records, signer, now);
    let activatesAt: number;
    if (successor) {
      activatesAt = Math.max(successor.createdAt + t.publishAhead, now);
      if (activatesAt < successor.activatesAt) {
        const { retiresAt, removesAt } = timesFrom(activatesAt, t);
        await this.#o.store.updateKey(successor.kid, { activatesAt, retiresAt, removesAt });
      } else activatesAt = successor.activatesAt;
    } else {
      activatesAt = signer ? now + t.publishAhead : now;
      await this.#createKey(timesFrom(activatesAt, t), now, actor);
    }
    if (signer) {
      await this.#o.store.updateKey(signer.kid, {
        retiresAt: activatesAt,
        removesAt: activatesAt + t.maxTtl + t.clockSkew,
      });
    }
    await this.#dedupeSuccessors(now);
    this.#o.audit.record({ at: now, type: 'key.rotated', clientId: null, data: { activatesAt, actor } });
    await this.reload();
  }

  /**
   * Revokes a key: it leaves the JWKS at once and a `kid` revocation is committed (verifiers drop
   * it through the feed). If it was signing, a successor takes over immediately.
   */
  revoke(
    kid: string,
    actor: string,
    reason: string | null,
  ): Promise<{ key: KeyView; revocation: RevocationRecord | undefined } | undefined> {
    return this.#exclusive(() => this.#revoke(kid, actor, reason));
  }

  async #revoke(
    kid: string,
    actor: string,
    reason: string | null,
  ): Promise<{ key: KeyView; revocation: RevocationRecord | undefined } | undefined> {
    const now = this.#nowSec();
    const t = this.#o.timing;
    const records = await this.#o.store.listKeys();
    const record = records.find((r) => r.kid === kid);
    if (!record) return undefined;
    let revocation: RevocationRecord | undefined;
    if (record.state !== 'revoked') {
      const signer = signerAt(records, now);
      await this.#o.store.updateKey(kid, { state: 'revoked', revokedAt: now });
      revocation = await this.#o.store.addRevocation({
        kind: 'kid',
        value: kid,
        notBefore: null,
        expiresAt: Math.max(record.removesAt, now + t.maxTtl + t.clockSkew),
        reason,
        createdAt: now,
      });
      this.#o.metrics.revocations.labels('kid').inc();
      if (signer?.kid === kid) {
        // Emergency: the revoked key was signing. Its successor signs at once (verifiers refetch the
        // JWKS on an unknown kid), or a new key is created that does.
        const rest = records.filter((r) => r.kid !== kid);
        const successor = successorOf(rest, undefined, now);
        if (successor)
          await this.#o.store.updateKey(successor.kid, { ...timesFrom(now, t), state: 'active' });
        else await this.#createKey(timesFrom(now, t), now, actor);
      }
      this.#o.audit.record({ at: now, type: 'key.revoked', clientId: null, data: { kid, actor, reason } });
    }
    await this.reload();
    const key = this.list(now).find((k) => k.kid === kid);
    return key === undefined ? undefined : { key, revocation };
  }

  /**
   * Re-encrypts every private key under the first KEK (after a KEK rotation). Returns how many
   * envelopes changed.
   */
  async rewrap(): Promise<number> {
    let changed = 0;
    for (const r of await this.#o.store.listKeys()) {
      const primary = this.#o.keyring.primaryId;
      if (r.privateKeyEnc.split('.')[1] === primary) continue;
      const plain = this.#o.keyring.open(r.privateKeyEnc, AAD + r.kid);
      await this.#o.store.updateKey(r.kid, { privateKeyEnc: this.#o.keyring.seal(plain, AAD + r.kid) });
      changed++;
    }
    if (changed > 0) await this.reload();
    return changed;
  }
}
