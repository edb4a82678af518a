import type { Command } from 'commander';
import { AdminHttpError, type AdminOptions, adminClient, withAdminOptions } from '../lib/admin-client.js';
import type { CliContext } from '../lib/context.js';
import { CliError, UsageError } from '../lib/errors.js';
import { keyValues, printData, withFormat } from '../lib/output.js';

interface RevokeOptions extends AdminOptions {
  jti?: string;
  subject?: string;
  client?: string;
  kid?: string;
  reason?: string;
  format: string;
}

const KINDS = ['jti', 'subject', 'client', 'kid'] as const;

/**
 * Registers `signet revoke --jti|--subject|--client|--kid VALUE [--reason …]` (POST /admin/revocations).
 *
 * @example
 * registerRevoke(program, ctx); // signet revoke --jti 0d6c… --reason "leaked in a log"
 */
export function registerRevoke(program: Command, ctx: CliContext): void {
  withFormat(
    withAdminOptions(
      program
        .command('revoke')
        .description(
          'revoke tokens now (pushed to verifiers by the revocation feed): one token, a subject, a client or a key',
        )
        .option('--jti <jti>', 'one token, by its "jti"')
        .option('--subject <sub>', 'every token of this subject issued until now')
        .option('--client <client_id>', 'every token of this client issued until now')
        .option('--kid <kid>', 'every token signed by this key')
        .option('--reason <text>', 'why (kept in the audit log)'),
    ),
  ).action(async (opts: RevokeOptions) => {
    const given = KINDS.filter((kind) => opts[kind] !== undefined);
    if (given.length !== 1) throw new UsageError('pass exactly one of --jti, --subject, --client, --kid');
    const kind = given[0] as (typeof KINDS)[number];
    const body: Record<string, unknown> = { kind, value: opts[kind] };
    if (opts.reason !== undefined) body.reason = opts.reason;
    const admin = await adminClient(ctx, opts);
    let res: { revocation: Record<string, unknown> };
    try {
      res = await admin.request('POST', '/admin/revocations', body);
    } catch (err) {
      // A 404 with the API's own `not_found` means "no such key"; any other 404 means the route is missing.
      if (err instanceof AdminHttpError && err.status === 404 && err.error !== 'not_found') {
        throw new CliError(
          'ERR_REVOCATION_UNSUPPORTED',
          `the server at ${admin.baseUrl} does not offer revocations (POST /admin/revocations answered 404)`,
        );
      }
      throw err;
    }
    printData(ctx, opts.format, res, () => keyValues(res.revocation));
  });
}
