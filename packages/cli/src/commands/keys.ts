import type { Command } from 'commander';
import { type AdminOptions, adminClient, withAdminOptions } from '../lib/admin-client.js';
import type { CliContext } from '../lib/context.js';
import { registerKekCommands } from './keys-kek.js';
import { keyValues, note, printData, table, withFormat } from '../lib/output.js';

/** A signing key as the admin API returns it (public half only). */
interface SigningKey {
  kid: string;
  alg: string;
  state: string;
  activatesAt?: unknown;
  retiresAt?: unknown;
  removesAt?: unknown;
  publicJwk?: unknown;
  [field: string]: unknown;
}

type Opts = AdminOptions & { format: string };

const COLUMNS = ['kid', 'alg', 'state', 'activatesAt', 'retiresAt', 'removesAt', 'revokedAt'];

function renderKeys(keys: readonly SigningKey[]): string {
  return keys.length === 0 ? 'no signing keys' : table(keys, COLUMNS);
}

/**
 * Registers `signet keys list | rotate | revoke KID` (admin API) and `new-kek | rewrap` (KEK rotation).
 *
 * @example
 * registerKeys(program, ctx); // signet keys list --format json
 */
export function registerKeys(program: Command, ctx: CliContext): void {
  const keys = program
    .command('keys')
    .description('inspect and rotate the signing keys through the admin API');

  withFormat(
    withAdminOptions(
      keys.command('list').description('list signing keys and their states (next, active, retired)'),
    ),
  ).action(async (opts: Opts) => {
    const admin = await adminClient(ctx, opts);
    const res = await admin.request<{ keys: SigningKey[] }>('GET', '/admin/keys');
    printData(ctx, opts.format, res, () => renderKeys(res.keys));
  });

  withFormat(
    withAdminOptions(
      keys
        .command('rotate')
        .description('start a rotation now: publish a new key, which signs once verifiers have it'),
    ),
  ).action(async (opts: Opts) => {
    const admin = await adminClient(ctx, opts);
    const res = await admin.request<{ keys: SigningKey[] }>('POST', '/admin/keys/rotate');
    printData(ctx, opts.format, res, () => renderKeys(res.keys));
  });

  withFormat(
    withAdminOptions(
      keys
        .command('revoke')
        .description('revoke a key: removed from the JWKS at once; tokens it signed stop verifying')
        .argument('<kid>'),
    ),
  ).action(async (kid: string, opts: Opts) => {
    const admin = await adminClient(ctx, opts);
    const res = await admin.request<{ key: SigningKey }>(
      'POST',
      `/admin/keys/${encodeURIComponent(kid)}/revoke`,
    );
    printData(ctx, opts.format, res, () => keyValues(res.key, COLUMNS));
    note(ctx, `key ${kid} revoked`);
  });

  registerKekCommands(keys, ctx);
}
