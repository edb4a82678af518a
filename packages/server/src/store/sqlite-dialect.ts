/**
 * Kysely's SQLite dialect with two changes that make it safe when several processes open the same
 * file (a server and `signet migrate up`, or a restart overlapping a shutdown):
 *
 * - write transactions start with `BEGIN IMMEDIATE`: the write lock is taken (waiting up to
 *   `busy_timeout`) before the first read, so a transaction never reads a snapshot that another
 *   process invalidates before it writes (which in WAL mode fails at once with SQLITE_BUSY_SNAPSHOT);
 * - migrations run in that one transaction (SQLite has transactional DDL): the write lock is the
 *   migration lock, and a failed migration leaves nothing behind.
 */
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * {@link SqliteDialect} with `BEGIN IMMEDIATE` transactions and transactional migrations.
 *
 * @example
 * ```ts
 * new Kysely<Schema>({ dialect: new SignetSqliteDialect({ database: new Database(path) }) });
 * ```
 */
export class SignetSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
