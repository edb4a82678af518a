/**
 * Opens a Kysely instance for a database URL: `sqlite:<path>` (or a bare path) on better-sqlite3,
 * `postgres://` / `postgresql://` on a `pg` pool. Everything dialect-specific about connecting lives here.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Dialect } from './migrations.js';
import type { Database as Schema } from './schema.js';
import { SignetSqliteDialect } from './sqlite-dialect.js';

/** Tuning knobs of {@link createStore}; the defaults suit a server. */
export interface StoreOptions {
  /** PostgreSQL: pool size (default 10). */
  poolSize?: number;
  /** PostgreSQL: how long to wait for a connection before failing with `ERR_STORE_UNAVAILABLE` (default 2000 ms). */
  connectTimeoutMs?: number;
  /** PostgreSQL: server-side `statement_timeout`, and the client gives up a little later (default 10000 ms). */
  statementTimeoutMs?: number;
  /** SQLite: how long a writer waits for another process's lock (default 5000 ms). */
  busyTimeoutMs?: number;
  /**
   * SQLite: `NORMAL` skips the fsync per commit (still safe against a process crash in WAL mode,
   * not against power loss). Only for data that tolerates that, e.g. the audit log's own
   * connection. Default `FULL`.
   */
  sqliteSynchronous?: 'FULL' | 'NORMAL';
}

/** A parsed database URL. */
export type DatabaseTarget = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

/**
 * Parses a database URL. `sqlite:/abs/file.db`, `sqlite:///abs/file.db`, `sqlite:rel/file.db`,
 * `sqlite::memory:` and plain paths are SQLite; `postgres://` and `postgresql://` are PostgreSQL.
 *
 * @example
 * ```ts
 * parseDatabaseUrl('sqlite:/var/lib/signet/signet.db'); // { dialect: 'sqlite', path: '/var/lib/signet/signet.db' }
 * ```
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (typeof url !== 'string' || url.length === 0) {
    throw new TypeError('"database" must be a non-empty string (a path, sqlite:<path> or postgres://…)');
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', url };
  if (/^sqlite:/i.test(url)) {
    let path = url.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path.length === 0) throw new TypeError('"database": sqlite URL without a path');
    return { dialect: 'sqlite', path };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new TypeError('"database": unsupported URL scheme (use sqlite:<path> or postgres://…)');
  }
  return { dialect: 'sqlite', path: url };
}

/** An open database and what it is. */
export interface Connection {
  dialect: Dialect;
  db: Kysely<Schema>;
  /** PostgreSQL: the URL and connect timeout, for the dedicated LISTEN connection. */
  listen?: { url: string; connectTimeoutMs: number };
}

const INT8_OID = 20;

/**
 * `bigint` columns come back from pg as strings (JavaScript numbers lose precision past 2^53); every
 * bigint here is a time in seconds or a sequence number, far below that, so numbers are safe.
 * The parser is set on this pool only, not globally on `pg.types`.
 */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** Opens (but does not migrate) the database behind `url`. */
export function connect(url: string, options: StoreOptions = {}): Connection {
  const target = parseDatabaseUrl(url);
  if (target.dialect === 'sqlite') return { dialect: 'sqlite', db: openSqlite(target.path, options) };
  return {
    dialect: 'postgres',
    db: openPostgres(target.url, options),
    listen: { url: target.url, connectTimeoutMs: options.connectTimeoutMs ?? 2000 },
  };
}

function openSqlite(path: string, options: StoreOptions): Kysely<Schema> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  // WAL: readers never block the writer. synchronous=FULL: a commit is fsynced before it returns,
  // so an acknowledged write survives power loss, not only a process crash.
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${options.sqliteSynchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  database.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  database.pragma('foreign_keys = ON');
  return new Kysely<Schema>({ dialect: new SignetSqliteDialect({ database }) });
}

function openPostgres(url: string, options: StoreOptions): Kysely<Schema> {
  const statementTimeout = Math.trunc(options.statementTimeoutMs ?? 10_000);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
    statement_timeout: statementTimeout,
    // Client-side bound too: a server that stops answering (network partition) must not hang a request.
    query_timeout: statementTimeout + 2000,
    keepAlive: true,
    types: pgTypes,
  });
  // A client whose server goes away emits 'error': an idle one through the pool's 'error' event, a
  // checked-out one (mid-transaction) on itself, where pg-pool listens to nothing. Either, unhandled,
  // would crash the process. The failing query rejects anyway (and is mapped to
  // ERR_STORE_UNAVAILABLE), and pg-pool discards the broken client when it is released.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
}
