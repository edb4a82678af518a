import { type Command, Option } from 'commander';
import type { CliContext } from '../lib/context.js';
import { UsageError } from '../lib/errors.js';
import { readSecret } from '../lib/input.js';
import { clientCredentials, discover } from '../lib/oauth.js';
import { printData, withFormat } from '../lib/output.js';

/** Issuer used when neither --issuer nor SIGNET_ISSUER is given (the server's default issuer). */
const DEFAULT_ISSUER = 'http://localhost:8080';

interface TokenOptions {
  issuer?: string;
  clientId?: string;
  clientSecretFile?: string;
  clientSecret?: string;
  audience?: string;
  scope?: string;
  auth: 'basic' | 'post';
  format: string;
}

/**
 * Registers `signet token`: discovery (RFC 8414) then the client_credentials grant; prints the access token.
 *
 * @example
 * registerToken(program, ctx); // TOKEN=$(signet token --issuer URL --client-id ID --client-secret-file FILE)
 */
export function registerToken(program: Command, ctx: CliContext): void {
  withFormat(
    program
      .command('token')
      .description(
        'get an access token with client credentials (prints the raw token; --format json for all)',
      )
      .option('--issuer <url>', `issuer to discover (env SIGNET_ISSUER, default ${DEFAULT_ISSUER})`)
      .option('--client-id <id>', 'client_id (env SIGNET_CLIENT_ID)')
      .option('--client-secret-file <file>', 'file holding the client secret ("-" = stdin)')
      .option(
        '--client-secret <secret>',
        'client secret (prefer --client-secret-file or SIGNET_CLIENT_SECRET)',
      )
      .option('--audience <aud>', "audience to request (one of the client's audiences)")
      .option('--scope <scopes>', "space-separated scopes (a subset of the client's scopes)")
      .addOption(
        new Option('--auth <method>', 'client authentication').choices(['basic', 'post']).default('basic'),
      ),
  ).action(async (opts: TokenOptions) => {
    const issuer = (opts.issuer ?? ctx.env.SIGNET_ISSUER ?? DEFAULT_ISSUER).replace(/\/+$/, '');
    const clientId = opts.clientId ?? ctx.env.SIGNET_CLIENT_ID;
    if (clientId === undefined || clientId === '') {
      throw new UsageError('pass --client-id ID (or set SIGNET_CLIENT_ID)');
    }
    const clientSecret = await readSecret(ctx, {
      file: opts.clientSecretFile,
      value: opts.clientSecret,
      envName: 'SIGNET_CLIENT_SECRET',
      fileFlag: '--client-secret-file',
      valueFlag: '--client-secret',
    });
    if (clientSecret === undefined) {
      throw new UsageError('pass --client-secret-file FILE (or set SIGNET_CLIENT_SECRET)');
    }
    const meta = await discover(ctx, issuer);
    const response = await clientCredentials(ctx, meta.token_endpoint, {
      clientId,
      clientSecret,
      auth: opts.auth,
      ...(opts.scope === undefined ? {} : { scope: opts.scope }),
      ...(opts.audience === undefined ? {} : { audience: opts.audience }),
    });
    printData(ctx, opts.format, response, () => response.access_token);
  });
}
