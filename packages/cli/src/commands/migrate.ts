import type { Store } from '@signet/server';
import type { Command } from 'commander';
import type { CliContext } from '../lib/context.js';
import { CliError, errorCode } from '../lib/errors.js';
import { printData, withFormat } from '../lib/output.js';
import { loadServerConfig, type ServerFlags, withServerFlags } from '../lib/server-config.js';

/** Opens the configured store, runs `fn`, and always closes it. */
async function withStore<T>(
  ctx: CliContext,
  opts: ServerFlags,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const config = await loadServerConfig(ctx, opts);
  const { createStore, databaseUrl } = await import('@signet/server');
  let store: Store;
  try {
    store = await createStore(databaseUrl(config));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new CliError(errorCode(err) ?? 'ERR_STORE_OPEN', `cannot open the database: ${message}`, {
      cause: err,
    });
  }
  try {
    return await fn(store);
  } catch (err) {
    if (err instanceof CliError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new CliError(errorCode(err) ?? 'ERR_MIGRATION', `migration failed: ${message}`, { cause: err });
  } finally {
    await store.close();
  }
}

/** Redacts the password of a database URL for display. */
function shownUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/**
 * Registers `signet migrate status | up`: database schema migrations (`up` takes a lock so replicas don't race).
 *
 * @example
 * registerMigrate(program, ctx); // signet migrate up --db postgres://signet@db/signet
 */
export function registerMigrate(program: Command, ctx: CliContext): void {
  const migrate = program.command('migrate').description('database schema migrations');

  withFormat(
    withServerFlags(migrate.command('status').description('list applied and pending migrations'), 'storage'),
  ).action(async (opts: ServerFlags & { format: string }) => {
    const status = await withStore(ctx, opts, (store) => store.migrationStatus());
    printData(ctx, opts.format, status, () =>
      [
        ...status.applied.map((name) => `applied  ${name}`),
        ...status.pending.map((name) => `pending  ${name}`),
        status.pending.length === 0 ? 'database is at the latest schema' : `${status.pending.length} pending`,
      ].join('\n'),
    );
  });

  withFormat(
    withServerFlags(migrate.command('up').description('apply pending migrations (under a lock)'), 'storage'),
  ).action(async (opts: ServerFlags & { format: string }) => {
    const config = await loadServerConfig(ctx, opts);
    const { databaseUrl } = await import('@signet/server');
    const url = databaseUrl(config);
    const result = await withStore(ctx, opts, async (store) => {
      const before = await store.migrationStatus();
      await store.migrate();
      const after = await store.migrationStatus();
      return {
        applied: before.pending.filter((name) => after.applied.includes(name)),
        pending: after.pending,
      };
    });
    printData(ctx, opts.format, result, () =>
      result.applied.length === 0
        ? `${shownUrl(url)}: already at the latest schema`
        : [`${shownUrl(url)}:`, ...result.applied.map((name) => `applied  ${name}`)].join('\n'),
    );
  });
}
