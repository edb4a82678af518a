import {
  type Alg,
  asymmetricAlgorithms,
  createLocalKeySet,
  createRemoteKeySet,
  decodeUnverified,
  type Jwks,
  type KeySet,
  type RemoteKeySet,
  verifyJwt,
} from '@signet/jose';
import type { CachedClient } from './cache.js';

/** RFC 7523 §2.2 `client_assertion_type`. */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Algorithms accepted in client assertions: asymmetric only (a shared secret is not a key pair). */
export const ASSERTION_ALGS: readonly Alg[] = asymmetricAlgorithms;

/** Why an assertion was refused (log only). */
export class AssertionRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * The issuer (= client_id) an assertion claims, read without verifying (to find the client whose
 * keys verify it). `undefined` when it is not a JWT with a string `iss`.
 */
export function assertionIssuer(assertion: string): string | undefined {
  try {
    const { payload } = decodeUnverified(assertion);
    return typeof payload.iss === 'string' ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}

/** Settings of an {@link AssertionVerifier}. */
export interface AssertionVerifierOptions {
  /** Accepted `aud` values: the token endpoint URL and the issuer. */
  audiences: string[];
  /** Longest accepted `exp - now`, in seconds. */
  maxAge: number;
  clockSkew: number;
  /** Clock in milliseconds. */
  now: () => number;
  /** Records a jti; `false` when seen before (the store's `recordAssertionJti`). */
  recordJti: (clientId: string, jti: string, exp: number) => Promise<boolean>;
  fetch?: typeof fetch;
}

/**
 * Verifies `private_key_jwt` assertions (RFC 7523 §3) against each client's registered JWKS or JWKS
 * URL (a remote key set per client, refetched at most once per cooldown on an unknown `kid`).
 */
export class AssertionVerifier {
  readonly #sets = new Map<string, { version: string; set: KeySet | RemoteKeySet }>();
  readonly #o: AssertionVerifierOptions;

  constructor(options: AssertionVerifierOptions) {
    this.#o = options;
  }

  #keySet(client: CachedClient): KeySet | RemoteKeySet {
    const r = client.record;
    const version = `${r.updatedAt}|${r.jwksUri ?? ''}|${r.jwks?.length ?? 0}`;
    const cached = this.#sets.get(r.id);
    if (cached && cached.version === version) return cached.set;
    let set: KeySet | RemoteKeySet;
    if (r.jwks) set = createLocalKeySet(JSON.parse(r.jwks) as Jwks);
    else if (r.jwksUri) {
      set = createRemoteKeySet(r.jwksUri, {
        cooldown: 30_000,
        cacheMaxAge: 600_000,
        timeout: 5000,
        now: this.#o.now,
        ...(this.#o.fetch ? { fetch: this.#o.fetch } : {}),
      });
    } else throw new AssertionRejected('client has no registered keys');
    this.#sets.set(r.id, { version, set });
    return set;
  }

  /**
   * Verifies an assertion for `client`: signature by one of its keys, `iss` = `sub` = client_id,
   * `aud` naming this server, `exp` present and near, `jti` never seen before.
   */
  async verify(client: CachedClient, assertion: string): Promise<{ jti: string; exp: number }> {
    const id = client.record.id;
    let payload: Record<string, unknown>;
    try {
      const set = this.#keySet(client);
      const result = await verifyJwt(assertion, set as KeySet, {
        algorithms: ASSERTION_ALGS,
        issuer: id,
        subject: id,
        audience: this.#o.audiences,
        requiredClaims: ['exp', 'jti'],
        clockTolerance: this.#o.clockSkew,
        now: this.#o.now,
      });
      payload = result.payload;
    } catch (err) {
      if (err instanceof AssertionRejected) throw err;
      throw new AssertionRejected(`assertion: ${(err as { code?: string }).code ?? 'invalid'}`);
    }
    const exp = payload['exp'] as number;
    const jti = payload['jti'];
    const nowSec = Math.floor(this.#o.now() / 1000);
    // A long-lived assertion is a bearer credential: refuse those beyond maxAge (RFC 7523 §3 item 4
    // lets the server bound it) so a leaked one is useless soon.
    if (exp - nowSec > this.#o.maxAge + this.#o.clockSkew)
      throw new AssertionRejected('assertion exp too far');
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256)
      throw new AssertionRejected('bad jti');
    // Replay: each assertion is single-use (RFC 7523 §3 item 7).
    if (!(await this.#o.recordJti(id, jti, exp + this.#o.clockSkew))) {
      throw new AssertionRejected('assertion jti replayed');
    }
    return { jti, exp };
  }

  /** Forgets a client's key set (after an admin change). */
  invalidate(clientId: string): void {
    this.#sets.delete(clientId);
  }
}
