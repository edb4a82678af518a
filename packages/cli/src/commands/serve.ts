import { existsSync } from 'node:fs';
import type { SignetServer } from '@signet/server';
import type { Command } from 'commander';
import { DEFAULT_ADMIN_URL, DEFAULT_DATA_DIR } from '../lib/admin-client.js';
import type { CliContext } from '../lib/context.js';
import { CliError, errorCode } from '../lib/errors.js';
import { note } from '../lib/output.js';
import { loadServerConfig, type ServerFlags, withServerFlags } from '../lib/server-config.js';
import { firstRunMessage } from './serve-hints.js';

/** Time allowed after the server's own drain grace (`http.shutdownGraceMs`) before a hard exit. */
export const HARD_EXIT_AFTER_GRACE_MS = 5_000;

/**
 * Registers `signet serve`: the Auth service in the foreground until SIGTERM/SIGINT (graceful close, exit 0).
 *
 * @example
 * registerServe(program, ctx); // signet serve --dev --data ./signet-data --port 8080
 */
export function registerServe(program: Command, ctx: CliContext): void {
  withServerFlags(
    program
      .command('serve')
      .description('run the Auth service (token endpoint, discovery, JWKS; admin API on a separate port)'),
  ).action(async (opts: ServerFlags) => {
    const config = await loadServerConfig(ctx, opts);
    const { createSignetServer, databaseUrl, initDataDir } = await import('@signet/server');
    const dbUrl = databaseUrl(config);
    const dbPath = dbUrl.startsWith('sqlite:') ? dbUrl.slice('sqlite:'.length) : undefined;
    const newDatabase = dbPath !== undefined && !existsSync(dbPath);
    const init = config.dev ? await initDataDir(config.dataDir) : { created: [] };

    let server: SignetServer;
    let urls: { publicUrl: string; adminUrl: string };
    try {
      server = await createSignetServer(config);
      urls = await server.listen();
    } catch (err) {
      throw startError(err);
    }

    if (init.created.length > 0 || newDatabase) {
      note(
        ctx,
        firstRunMessage({
          init,
          database: newDatabase ? dbUrl : undefined,
          selfCommand: ctx.selfCommand,
          cwd: ctx.cwd,
          config,
          urls,
          defaultAdminUrl: DEFAULT_ADMIN_URL,
          defaultDataDir: DEFAULT_DATA_DIR,
        }),
      );
    }
    const mismatch = issuerMismatch(config.issuer, urls.publicUrl);
    if (mismatch !== undefined) note(ctx, `signet: warning: ${mismatch}`);
    note(ctx, `signet: listening on ${urls.publicUrl} (admin ${urls.adminUrl})`);

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      const off = ctx.onSignal((s) => {
        off();
        resolve(s);
      });
    });
    note(ctx, `signet: ${signal} received, shutting down`);
    // Later than the server's grace: past it the server cuts open connections and closes the store,
    // which must still finish for an exit 0.
    const hardExitMs = config.http.shutdownGraceMs + HARD_EXIT_AFTER_GRACE_MS;
    const hardExit = setTimeout(() => {
      note(ctx, `signet: shutdown took longer than ${hardExitMs / 1000} s, exiting`);
      ctx.exit(1);
    }, hardExitMs);
    hardExit.unref();
    const offAgain = ctx.onSignal(() => {
      note(ctx, 'signet: second signal, exiting now');
      ctx.exit(1);
    });
    try {
      await server.close();
    } finally {
      clearTimeout(hardExit);
      offAgain();
    }
    note(ctx, 'signet: stopped');
  });
}

/**
 * Warns when the issuer points at a loopback port other than the one the server listens on: tokens would name
 * an issuer that discovery cannot reach (usually `--port` given without `--issuer`).
 */
function issuerMismatch(issuer: string, publicUrl: string): string | undefined {
  const iss = new URL(issuer);
  const listening = new URL(publicUrl);
  const loopback = ['localhost', '127.0.0.1', '[::1]'];
  if (!loopback.includes(iss.hostname) || iss.port === listening.port) return undefined;
  return `the issuer ${issuer} is not this server's port ${listening.port}; pass --issuer http://localhost:${listening.port}`;
}

/** Explains why the server could not start (no KEK, port in use, bad database) without any secret. */
function startError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  const code = errorCode(err) ?? 'ERR_SERVE';
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_KEK_MISSING') {
    return new CliError(
      code,
      'refusing to start without a key-encryption key (KEK), which protects the signing keys at rest:\n' +
        '  create one with "signet init [--data DIR]", or set SIGNET_KEK / SIGNET_KEK_FILE,\n' +
        '  or run "signet serve --dev" for a development setup (creates one in the data directory)',
    );
  }
  if (code === 'EADDRINUSE') {
    return new CliError(
      code,
      `cannot listen: address in use (${message}); choose another --port / --admin-port`,
    );
  }
  return new CliError(code, `cannot start: ${message}`, { cause: err });
}
