import type { Command } from 'commander';
import type { CliContext } from '../lib/context.js';
import { keyValues, note, printData, withFormat } from '../lib/output.js';
import { loadServerConfig, type ServerFlags } from '../lib/server-config.js';

/**
 * Registers `signet init [--data DIR]`: creates the data directory, a KEK file and an admin token (printed once).
 *
 * @example
 * registerInit(program, ctx); // signet init --data /var/lib/signet
 */
export function registerInit(program: Command, ctx: CliContext): void {
  withFormat(
    program
      .command('init')
      .description('create a data directory: key-encryption key (KEK) file and admin token (printed once)')
      .option('--data <dir>', 'data directory (env SIGNET_DATA, default ./signet-data)')
      .option('--config <file>', 'YAML configuration file (env SIGNET_CONFIG)'),
  ).action(async (opts: ServerFlags & { format: string }) => {
    const config = await loadServerConfig(ctx, opts);
    const { initDataDir } = await import('@signet/server');
    const result = await initDataDir(config.dataDir);
    const data = {
      dataDir: config.dataDir,
      created: result.created,
      kekFile: result.kekFile,
      adminTokenFile: result.adminTokenFile,
      ...(result.adminToken === undefined ? {} : { adminToken: result.adminToken }),
    };
    printData(ctx, opts.format, data, () => {
      if (result.created.length === 0) return `already initialised: ${config.dataDir} (nothing created)`;
      const shown: Record<string, unknown> = { created: result.created.join('\n         ') };
      if (result.adminToken !== undefined) shown.admin_token = result.adminToken;
      return keyValues(shown);
    });
    if (result.adminToken !== undefined) {
      note(
        ctx,
        `the admin token is shown only this once; the signet CLI reads it from ${result.adminTokenFile}`,
      );
    }
    if (result.created.includes(result.kekFile)) {
      note(
        ctx,
        `keep ${result.kekFile} secret and back it up: without it the signing keys cannot be decrypted`,
      );
    }
  });
}
