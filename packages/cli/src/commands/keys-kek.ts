import type { Command } from 'commander';
import type { CliContext } from '../lib/context.js';
import { CliError, errorCode } from '../lib/errors.js';
import { note, printData, withFormat } from '../lib/output.js';
import { loadServerConfig, type ServerFlags, withServerFlags } from '../lib/server-config.js';

/**
 * Registers the key-encryption-key commands under `signet keys`: `new-kek` prints a fresh KEK, `rewrap`
 * re-encrypts every private signing key under the first KEK of the configured list.
 *
 * KEK rotation: `signet keys new-kek`, put it first in SIGNET_KEK (comma-separated; the old one stays after it
 * so existing keys still decrypt), restart, `signet keys rewrap`, then drop the old KEK.
 *
 * @example
 * registerKekCommands(keysCommand, ctx); // SIGNET_KEK="$NEW,$OLD" signet keys rewrap
 */
export function registerKekCommands(keys: Command, ctx: CliContext): void {
  withFormat(
    keys
      .command('new-kek')
      .description(
        'print a new random key-encryption key (base64url, 256 bits) for SIGNET_KEK or a KEK file',
      ),
  ).action(async (opts: { format: string }) => {
    const { Keyring } = await import('@signet/server');
    const kek = Keyring.generate();
    printData(ctx, opts.format, { kek }, () => kek);
    note(
      ctx,
      'put it first in SIGNET_KEK (comma-separated, old KEKs after it), then run "signet keys rewrap"',
    );
  });

  withFormat(
    withServerFlags(
      keys
        .command('rewrap')
        .description('re-encrypt every private signing key under the first KEK (after adding a new KEK)'),
      'storage',
    ),
  ).action(async (opts: ServerFlags & { format: string }) => {
    const config = { ...(await loadServerConfig(ctx, opts)), logLevel: 'silent' as const };
    const { createSignetServer } = await import('@signet/server');
    let rewrapped: number;
    try {
      const server = await createSignetServer(config, { timers: false });
      try {
        rewrapped = await server.rewrapKeys();
      } finally {
        await server.close();
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new CliError(errorCode(err) ?? 'ERR_REWRAP', `cannot re-wrap the signing keys: ${message}`, {
        cause: err,
      });
    }
    printData(
      ctx,
      opts.format,
      { rewrapped },
      () => `re-encrypted ${rewrapped} signing key(s) under the first KEK`,
    );
  });
}
