import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { parsePort } from './duration.js';
import { CliError, errorCode } from './errors.js';
import type { Config } from '@signet/server';

/** Flags shared by `serve`, `config print`, `migrate` (each maps to one configuration setting). */
export interface ServerFlags {
  data?: string;
  port?: string;
  adminPort?: string;
  issuer?: string;
  config?: string;
  db?: string;
  dev?: boolean;
}

/**
 * Adds the server configuration flags to a command.
 *
 * @example
 * withServerFlags(program.command('serve')).action((opts) => loadServerConfig(ctx, opts));
 */
export function withServerFlags(command: Command, which: 'all' | 'storage' = 'all'): Command {
  command
    .option('--config <file>', 'YAML configuration file (env SIGNET_CONFIG)')
    .option('--data <dir>', 'data directory (env SIGNET_DATA, default ./signet-data)')
    .option(
      '--db <url>',
      'database: sqlite:<path> or postgres://… (env SIGNET_DATABASE_URL; default <data>/signet.db)',
    );
  if (which === 'storage') return command;
  return command
    .option(
      '--port <n>',
      'public port: token endpoint, discovery, JWKS (env SIGNET_PORT, default 8080; 0 = any)',
    )
    .option('--admin-port <n>', 'admin API port, loopback (env SIGNET_ADMIN_PORT, default 8081; 0 = any)')
    .option(
      '--issuer <url>',
      'issuer URL, "iss" of every token (env SIGNET_ISSUER, default http://localhost:8080)',
    )
    .option('--dev', 'development mode: create a KEK and an admin token in the data directory when missing');
}

/**
 * Builds the effective configuration: flags > SIGNET_* environment > YAML file > defaults (server's loadConfig).
 *
 * @example
 * const config = await loadServerConfig(ctx, { port: '9000', dev: true });
 */
export async function loadServerConfig(ctx: CliContext, flags: ServerFlags): Promise<Config> {
  // Loaded on demand: commands that need no server (jwt, token, clients) start without Fastify and SQLite.
  const { loadConfig } = await import('@signet/server');
  const input: Record<string, unknown> = {};
  if (flags.data !== undefined) input.dataDir = resolve(ctx.cwd, flags.data);
  if (flags.port !== undefined) input.port = parsePort(flags.port, '--port');
  if (flags.adminPort !== undefined) input.adminPort = parsePort(flags.adminPort, '--admin-port');
  if (flags.issuer !== undefined) input.issuer = flags.issuer.replace(/\/+$/, '');
  if (flags.db !== undefined) input.database = flags.db;
  if (flags.dev === true) input.dev = true;
  try {
    return loadConfig({
      flags: input,
      env: ctx.env as NodeJS.ProcessEnv,
      ...(flags.config === undefined ? {} : { file: resolve(ctx.cwd, flags.config) }),
    });
  } catch (err) {
    const code = errorCode(err) ?? 'ERR_CONFIG_INVALID';
    const path = (err as { path?: unknown }).path;
    const where = typeof path === 'string' && path !== '' ? ` at ${path}` : '';
    const message = err instanceof Error ? err.message : String(err);
    throw new CliError(code, `invalid configuration${where}: ${message}`, { cause: err });
  }
}
