/**
 * The one implementation of {@link Store}, on Kysely, for SQLite and PostgreSQL. Dialect differences
 * are limited to the `#dialect` checks below (the revocation sequence lock) and to `connect.ts`.
 */
import { type Kysely, Migrator, sql } from 'kysely';
import { classifyStoreError } from './errors.js';
import { type Dialect, migrationProvider } from './migrations.js';
import { PgRevocationListener, REVOCATION_CHANNEL, Wakeups } from './revocation-watch.js';
import {
  auditToRow,
  clientPatchToRow,
  clientToRow,
  keyPatchToRow,
  keyToRow,
  rowToAudit,
  rowToClient,
  rowToKey,
  revocationToRow,
  rowToRevocation,
} from './rows.js';
import type { Database } from './schema.js';
import type {
  AuditEvent,
  ClientRecord,
  NewRevocation,
  RevocationRecord,
  SigningKeyRecord,
  Store,
} from './types.js';

/** Rows per INSERT: far below SQLite's 32766 and PostgreSQL's 65535 bound parameters. */
const AUDIT_CHUNK = 500;

/**
 * Key of the transaction-scoped advisory lock that serialises revocation inserts on PostgreSQL.
 * A sequence hands out numbers at INSERT time but rows become visible at COMMIT; two concurrent
 * inserts can commit out of order, and a feed reader that already passed seq 7 would never see
 * seq 6. Holding this lock from nextval() to COMMIT makes visibility order equal seq order.
 */
const REVOCATION_LOCK_KEY = 0x5167_6e65_7401;

/** Revocations per group commit (6 bound parameters each, far below both databases' limits). */
const REVOCATION_BATCH = 500;

interface QueuedRevocation {
  entry: NewRevocation;
  resolve: (record: RevocationRecord) => void;
  reject: (error: unknown) => void;
}

export class KyselyStore implements Store {
  readonly dialect: Dialect;
  readonly #db: Kysely<Database>;
  readonly #migrator: Migrator;
  readonly #listen: { url: string; connectTimeoutMs: number } | undefined;
  readonly #wakeups = new Wakeups();
  #listener: PgRevocationListener | undefined;
  #closed = false;
  readonly #revocationQueue: QueuedRevocation[] = [];
  #revocationFlushing = false;

  constructor(dialect: Dialect, db: Kysely<Database>, listen?: { url: string; connectTimeoutMs: number }) {
    this.dialect = dialect;
    this.#db = db;
    this.#listen = listen;
    this.#migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  }

  /** Runs `fn`, turning "database unreachable" driver errors into `StoreUnavailableError`. */
  async #run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw classifyStoreError(error);
    }
  }

  // Kysely's PostgreSQL adapter takes a session advisory lock (pg_advisory_lock) around the whole
  // run, on one connection, inside one transaction: replicas starting together apply each migration once.
  migrate(): Promise<void> {
    return this.#run(async () => {
      const { error } = await this.#migrator.migrateToLatest();
      if (error !== undefined) throw error;
    });
  }

  migrationStatus(): Promise<{ applied: string[]; pending: string[] }> {
    return this.#run(async () => {
      const all = await this.#migrator.getMigrations();
      return {
        applied: all.filter((m) => m.executedAt !== undefined).map((m) => m.name),
        pending: all.filter((m) => m.executedAt === undefined).map((m) => m.name),
      };
    });
  }

  ping(): Promise<void> {
    return this.#run(async () => {
      await sql`select 1`.execute(this.#db);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#listener?.close();
    this.#listener = undefined;
    await this.#db.destroy();
  }

  createClient(client: ClientRecord): Promise<void> {
    return this.#run(async () => {
      await this.#db.insertInto('clients').values(clientToRow(client)).execute();
    });
  }

  getClient(id: string): Promise<ClientRecord | undefined> {
    return this.#run(async () => {
      const row = await this.#db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : rowToClient(row);
    });
  }

  listClients(): Promise<ClientRecord[]> {
    return this.#run(async () => {
      const rows = await this.#db
        .selectFrom('clients')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(rowToClient);
    });
  }

  updateClient(
    id: string,
    patch: Partial<Omit<ClientRecord, 'id' | 'createdAt'>>,
  ): Promise<ClientRecord | undefined> {
    return this.#run(async () => {
      const set = clientPatchToRow(patch);
      if (Object.keys(set).length === 0) return this.getClient(id);
      const row = await this.#db
        .updateTable('clients')
        .set(set)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : rowToClient(row);
    });
  }

  deleteClient(id: string): Promise<boolean> {
    return this.#run(async () => {
      const result = await this.#db.deleteFrom('clients').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  listKeys(): Promise<SigningKeyRecord[]> {
    return this.#run(async () => {
      const rows = await this.#db
        .selectFrom('signing_keys')
        .selectAll()
        .orderBy('activates_at')
        .orderBy('kid')
        .execute();
      return rows.map(rowToKey);
    });
  }

  insertKey(key: SigningKeyRecord): Promise<void> {
    return this.#run(async () => {
      await this.#db.insertInto('signing_keys').values(keyToRow(key)).execute();
    });
  }

  updateKey(kid: string, patch: Partial<Omit<SigningKeyRecord, 'kid'>>): Promise<void> {
    return this.#run(async () => {
      const set = keyPatchToRow(patch);
      if (Object.keys(set).length === 0) return;
      await this.#db.updateTable('signing_keys').set(set).where('kid', '=', kid).execute();
    });
  }

  deleteKey(kid: string): Promise<void> {
    return this.#run(async () => {
      await this.#db.deleteFrom('signing_keys').where('kid', '=', kid).execute();
    });
  }

  // The (client_id, jti) primary key decides: of two concurrent inserts exactly one adds a row.
  recordAssertionJti(clientId: string, jti: string, expiresAt: number): Promise<boolean> {
    return this.#run(async () => {
      const result = await this.#db
        .insertInto('assertion_jtis')
        .values({ client_id: clientId, jti, expires_at: expiresAt })
        .onConflict((oc) => oc.columns(['client_id', 'jti']).doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    });
  }

  appendAudit(events: AuditEvent[]): Promise<void> {
    return this.#run(async () => {
      if (events.length === 0) return;
      const rows = events.map(auditToRow);
      await this.#db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += AUDIT_CHUNK) {
          await trx
            .insertInto('audit_events')
            .values(rows.slice(i, i + AUDIT_CHUNK))
            .execute();
        }
      });
    });
  }

  readAudit(afterId: number, limit: number): Promise<AuditEvent[]> {
    return this.#run(async () => {
      const rows = await this.#db
        .selectFrom('audit_events')
        .selectAll()
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(rowToAudit);
    });
  }

  // Group commit: a revocation is acknowledged only once committed (fsync'd on SQLite), and one
  // commit costs one fsync, so revocations that arrive while a commit is being written share the next
  // one. Without it SQLite tops out at one revocation per fsync (~8 ms on a plain disk).
  addRevocation(entry: NewRevocation): Promise<RevocationRecord> {
    return new Promise((resolve, reject) => {
      this.#revocationQueue.push({ entry, resolve, reject });
      if (!this.#revocationFlushing) void this.#flushRevocations();
    });
  }

  async #flushRevocations(): Promise<void> {
    this.#revocationFlushing = true;
    try {
      while (this.#revocationQueue.length > 0) {
        // One turn of the event loop: requests parsed meanwhile join this commit.
        await new Promise((resolve) => setImmediate(resolve));
        const batch = this.#revocationQueue.splice(0, REVOCATION_BATCH);
        try {
          const records = await this.#insertRevocations(batch.map((b) => b.entry));
          for (const [i, b] of batch.entries()) b.resolve(records[i]!);
        } catch (error) {
          for (const b of batch) b.reject(error);
        }
      }
    } finally {
      this.#revocationFlushing = false;
    }
  }

  #insertRevocations(entries: NewRevocation[]): Promise<RevocationRecord[]> {
    // One multi-row INSERT: seqs are assigned in row order, RETURNING gives them back in that order.
    const insert = async (db: Kysely<Database>) => {
      const rows = await db
        .insertInto('revocations')
        .values(entries.map(revocationToRow))
        .returningAll()
        .execute();
      return rows.map(rowToRevocation).sort((a, b) => a.seq - b.seq);
    };
    return this.#run(async () => {
      // SQLite has one writer at a time: the single statement is assigned its seqs and committed
      // before any other write starts, so seq order is visibility order already.
      if (this.dialect === 'sqlite') {
        const records = await insert(this.#db);
        this.#wakeups.emit();
        return records;
      }
      return this.#db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${sql.lit(REVOCATION_LOCK_KEY)})`.execute(trx);
        const records = await insert(trx);
        // Delivered to every listening replica when (and only if) this transaction commits.
        const last = records[records.length - 1]!;
        await sql`select pg_notify(${REVOCATION_CHANNEL}, ${String(last.seq)})`.execute(trx);
        return records;
      });
    });
  }

  readRevocations(afterSeq: number, now: number, limit: number): Promise<RevocationRecord[]> {
    return this.#run(async () => {
      const rows = await this.#db
        .selectFrom('revocations')
        .selectAll()
        .where('seq', '>', afterSeq)
        .where('expires_at', '>', now)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(rowToRevocation);
    });
  }

  lastRevocationSeq(): Promise<number> {
    return this.#run(async () => {
      const row = await this.#db
        .selectFrom('revocations')
        .select((eb) => eb.fn.max('seq').as('last'))
        .executeTakeFirst();
      return Number(row?.last ?? 0);
    });
  }

  async watchRevocations(listener: () => void): Promise<() => Promise<void>> {
    if (this.#closed) throw new TypeError('the store is closed');
    this.#wakeups.add(listener);
    if (this.#listen !== undefined && this.#listener === undefined) {
      this.#listener = new PgRevocationListener(this.#listen.url, this.#wakeups, {
        connectTimeoutMs: this.#listen.connectTimeoutMs,
      });
      await this.#listener.start();
    }
    return async () => {
      this.#wakeups.delete(listener);
      if (this.#wakeups.size === 0 && this.#listener !== undefined) {
        const pgListener = this.#listener;
        this.#listener = undefined;
        await pgListener.close();
      }
    };
  }

  // One atomic upsert: the row lock (PostgreSQL) or the write lock (SQLite) orders racing callers,
  // and each re-checks the WHERE against the row the previous winner left. Exactly one wins.
  acquireLease(name: string, holder: string, now: number, expiresAt: number): Promise<boolean> {
    return this.#run(async () => {
      const row = await this.#db
        .insertInto('leases')
        .values({ name, holder, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ holder, expires_at: expiresAt })
            .where((eb) => eb.or([eb('leases.expires_at', '<=', now), eb('leases.holder', '=', holder)])),
        )
        .returning('holder')
        .executeTakeFirst();
      return row?.holder === holder;
    });
  }

  releaseLease(name: string, holder: string): Promise<void> {
    return this.#run(async () => {
      await this.#db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
    });
  }

  addAdminCredential(id: string, hash: string, createdAt: number): Promise<void> {
    return this.#run(async () => {
      await this.#db.insertInto('admin_credentials').values({ id, hash, created_at: createdAt }).execute();
    });
  }

  findAdminCredential(hash: string): Promise<{ id: string } | undefined> {
    return this.#run(async () =>
      this.#db.selectFrom('admin_credentials').select('id').where('hash', '=', hash).executeTakeFirst(),
    );
  }

  // The newest revocation is kept even when expired: it carries the highest seq, which
  // lastRevocationSeq() must keep reporting so feed clients' Last-Event-ID never runs ahead.
  purgeExpired(now: number): Promise<number> {
    return this.#run(() =>
      this.#db.transaction().execute(async (trx) => {
        const jtis = await trx.deleteFrom('assertion_jtis').where('expires_at', '<=', now).executeTakeFirst();
        const last = await trx
          .selectFrom('revocations')
          .select((eb) => eb.fn.max('seq').as('last'))
          .executeTakeFirst();
        const revocations = await trx
          .deleteFrom('revocations')
          .where('expires_at', '<=', now)
          .where('seq', '<', Number(last?.last ?? 0))
          .executeTakeFirst();
        const keys = await trx.deleteFrom('signing_keys').where('removes_at', '<=', now).executeTakeFirst();
        return Number(jtis.numDeletedRows + revocations.numDeletedRows + keys.numDeletedRows);
      }),
    );
  }
}
