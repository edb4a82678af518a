/**
 * The storage contract of the Auth service. One implementation (Kysely) serves SQLite and
 * PostgreSQL; the conformance suite in `test/store/conformance.ts` runs against both.
 *
 * All times are Unix epoch **seconds** (integers). All methods are async. Writes are durable when
 * their promise resolves (an acknowledged write survives a crash).
 */

/** How a client authenticates at the token endpoint (RFC 7591 `token_endpoint_auth_method`). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** A registered client (a service). */
export interface ClientRecord {
  /** `client_id`, server-generated. */
  id: string;
  name: string;
  authMethod: ClientAuthMethod;
  /** SHA-256 (hex) of the current secret; `null` for `private_key_jwt` clients. */
  secretHash: string | null;
  /** SHA-256 (hex) of the previous secret while its grace period lasts. */
  previousSecretHash: string | null;
  /** Until when the previous secret is accepted. */
  previousSecretExpiresAt: number | null;
  /** For `private_key_jwt`: a registered JWKS (JSON text) … */
  jwks: string | null;
  /** … or a JWKS URL. */
  jwksUri: string | null;
  /** Scopes the client may ask for. */
  scopes: string[];
  /** Audiences (resource indicators) the client may ask for; the first is the default. */
  audiences: string[];
  /** Access token lifetime in seconds; `null` = server default. */
  tokenTtl: number | null;
  /** What else the client may do: `introspect` (RFC 7662), `revocations` (read the revocation feed). */
  capabilities: string[];
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** Life cycle of a signing key: next → active → retired → removed; `revoked` at any time. */
export type KeyState = 'next' | 'active' | 'retired' | 'revoked';

/** A signing key. The private key is only ever stored encrypted (AES-256-GCM under a KEK). */
export interface SigningKeyRecord {
  kid: string;
  alg: string;
  state: KeyState;
  /** Public JWK, JSON text. */
  publicJwk: string;
  /** Encrypted private key (envelope produced by `keys/kek.ts`), text. */
  privateKeyEnc: string;
  createdAt: number;
  /** When the key starts signing (published at least one JWKS cache lifetime before). */
  activatesAt: number;
  /** When the key stops signing. */
  retiresAt: number;
  /** When the key leaves the JWKS (after the last token it signed has expired). */
  removesAt: number;
  revokedAt: number | null;
}

/** One audit event. Written in batches (group commit). */
export interface AuditEvent {
  /** Assigned by the store. */
  id?: number;
  at: number;
  /** e.g. `token.issued`, `token.denied`, `client.created`, `key.rotated`, `revocation.created`. */
  type: string;
  clientId: string | null;
  /** Extra fields (jti, scope, aud, exp, reason, actor…). Never a token or a secret. */
  data: Record<string, unknown>;
}

/** What a revocation kills. */
export type RevocationKind = 'jti' | 'subject' | 'client' | 'kid';

/** One entry of the revocation feed. */
export interface RevocationRecord {
  /** Strictly increasing sequence number, assigned by the database. */
  seq: number;
  kind: RevocationKind;
  /** The jti, sub, client_id or kid. */
  value: string;
  /** For `subject` / `client`: tokens issued (`iat`) before this time are dead. */
  notBefore: number | null;
  /** When the entry stops mattering (every token it kills has expired). */
  expiresAt: number;
  reason: string | null;
  createdAt: number;
}

export type NewRevocation = Omit<RevocationRecord, 'seq'>;

/** The storage interface. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';

  /** Runs pending migrations (under a lock on PostgreSQL). */
  migrate(): Promise<void>;
  /** `{ current, latest }` migration names. */
  migrationStatus(): Promise<{ applied: string[]; pending: string[] }>;
  /** Cheap reachability check for `/readyz`. */
  ping(): Promise<void>;
  close(): Promise<void>;

  createClient(client: ClientRecord): Promise<void>;
  getClient(id: string): Promise<ClientRecord | undefined>;
  listClients(): Promise<ClientRecord[]>;
  /** Updates the given fields; returns the updated record or `undefined` when unknown. */
  updateClient(
    id: string,
    patch: Partial<Omit<ClientRecord, 'id' | 'createdAt'>>,
  ): Promise<ClientRecord | undefined>;
  deleteClient(id: string): Promise<boolean>;

  listKeys(): Promise<SigningKeyRecord[]>;
  insertKey(key: SigningKeyRecord): Promise<void>;
  updateKey(kid: string, patch: Partial<Omit<SigningKeyRecord, 'kid'>>): Promise<void>;
  deleteKey(kid: string): Promise<void>;

  /**
   * Records a `private_key_jwt` assertion `jti` until `expiresAt`.
   * Returns `false` when it was already recorded (a replay).
   */
  recordAssertionJti(clientId: string, jti: string, expiresAt: number): Promise<boolean>;

  /** Appends audit events in one transaction. */
  appendAudit(events: AuditEvent[]): Promise<void>;
  /** Events with `id > afterId`, oldest first. */
  readAudit(afterId: number, limit: number): Promise<AuditEvent[]>;

  /** Commits a revocation and returns it with its sequence number. */
  addRevocation(entry: NewRevocation): Promise<RevocationRecord>;
  /** Entries with `seq > afterSeq` that have not expired at `now`, oldest first. */
  readRevocations(afterSeq: number, now: number, limit: number): Promise<RevocationRecord[]>;
  /** The highest sequence number ever assigned (0 when none). */
  lastRevocationSeq(): Promise<number>;
  /**
   * Calls `listener` (no arguments) after a revocation is committed — by any replica on PostgreSQL
   * (LISTEN/NOTIFY), by this store on SQLite — and after the PostgreSQL listener reconnects (when
   * wake-ups may have been missed). The listener re-reads with `readRevocations(cursor, …)`: the
   * table is the truth, a wake-up carries nothing. Resolves to an unsubscribe function. Keep a slow
   * poll as well: a wake-up can be lost while the listening connection is down.
   */
  watchRevocations(listener: () => void): Promise<() => Promise<void>>;

  /**
   * Takes or renews a named lease (e.g. `key-rotation`) for `holder` until `expiresAt`.
   * Returns `true` when `holder` now holds it. Exactly one holder wins a race.
   */
  acquireLease(name: string, holder: string, now: number, expiresAt: number): Promise<boolean>;

  /** Gives up a lease `holder` holds (nothing happens when someone else holds it). */
  releaseLease(name: string, holder: string): Promise<void>;

  /** Admin API credentials (SHA-256 hex of the token). */
  addAdminCredential(id: string, hash: string, createdAt: number): Promise<void>;
  findAdminCredential(hash: string): Promise<{ id: string } | undefined>;

  /** Deletes expired assertion jtis, expired revocations and removed keys; returns rows deleted. */
  purgeExpired(now: number): Promise<number>;
}
