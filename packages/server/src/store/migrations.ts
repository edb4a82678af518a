/**
 * Schema migrations, written once with Kysely's schema builder and provided statically (no
 * filesystem scan, so they run the same from `src/` under tsx and from `dist/`).
 * Migration names sort in order; never edit a released migration, add a new one.
 */
import type { Kysely, Migration, MigrationProvider } from 'kysely';

/** The database flavour a migration is generated for. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * An auto-assigned, strictly increasing primary key: SQLite's `AUTOINCREMENT` never reuses a value
 * (even after the highest row is deleted), PostgreSQL's identity is a sequence, which never goes back.
 */
function serialType(dialect: Dialect): 'integer' | 'bigint' {
  return dialect === 'sqlite' ? 'integer' : 'bigint';
}

function initial(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const serial = serialType(dialect);
      await db.schema
        .createTable('clients')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('auth_method', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text')
        .addColumn('previous_secret_hash', 'text')
        .addColumn('previous_secret_expires_at', 'bigint')
        .addColumn('jwks', 'text')
        .addColumn('jwks_uri', 'text')
        .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('audiences', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('token_ttl', 'integer')
        .addColumn('capabilities', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('private_key_enc', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('activates_at', 'bigint', (c) => c.notNull())
        .addColumn('retires_at', 'bigint', (c) => c.notNull())
        .addColumn('removes_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('id', serial, (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedAlwaysAsIdentity(),
        )
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text')
        .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();

      // One row per (client, assertion jti): the primary key is what refuses a replay (RFC 7523 §3).
      await db.schema
        .createTable('assertion_jtis')
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('jti', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('assertion_jtis_pk', ['client_id', 'jti'])
        .execute();
      await db.schema
        .createIndex('assertion_jtis_expires_at')
        .on('assertion_jtis')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('revocations')
        .addColumn('seq', serial, (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedAlwaysAsIdentity(),
        )
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('not_before', 'bigint')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('revocations_expires_at').on('revocations').column('expires_at').execute();

      await db.schema
        .createTable('leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('admin_credentials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'admin_credentials',
        'leases',
        'revocations',
        'assertion_jtis',
        'audit_events',
        'signing_keys',
        'clients',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}

/**
 * All migrations for `dialect`, by name.
 *
 * @example
 * ```ts
 * new Migrator({ db, provider: migrationProvider('sqlite') });
 * ```
 */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001_initial': initial(dialect),
  };
  return { getMigrations: async () => migrations };
}
