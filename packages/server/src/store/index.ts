/**
 * The storage layer: {@link createStore} opens SQLite or PostgreSQL behind the {@link Store} interface.
 */
import { connect, type StoreOptions } from './connect.js';
import { KyselyStore } from './kysely-store.js';
import type { Store } from './types.js';

export { parseDatabaseUrl, type DatabaseTarget, type StoreOptions } from './connect.js';
export { classifyStoreError, isStoreUnavailable, StoreUnavailableError } from './errors.js';
export type * from './types.js';

/**
 * Opens the store for a database URL. It does not migrate: call `store.migrate()` on start.
 * `sqlite:<path>` or a plain path opens (and creates) an SQLite file in WAL mode; `postgres://…`
 * opens a connection pool lazily, so this resolves even while PostgreSQL is down (queries then
 * fail with `ERR_STORE_UNAVAILABLE` until it returns).
 *
 * @example
 * ```ts
 * const store = await createStore('sqlite:./signet-data/signet.db');
 * await store.migrate();
 * const client = await store.getClient('c_123');
 * await store.close();
 * ```
 */
export async function createStore(url: string, options: StoreOptions = {}): Promise<Store> {
  const { dialect, db, listen } = connect(url, options);
  return new KyselyStore(dialect, db, listen);
}
