import { signJwt } from '@signet/jose';
import { type Command, Option } from 'commander';
import type { CliContext } from '../lib/context.js';
import { UsageError } from '../lib/errors.js';
import { readSecret } from '../lib/input.js';
import { loadKeyFile, parseAlgs } from '../lib/key-input.js';
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
  privateKey?: string;
  alg?: string;
  auth: 'basic' | 'post';
  format: string;
}

/** Lifetime of a private_key_jwt client assertion: short, as servers cap it (RFC 7523 §3). */
const ASSERTION_TTL = 60;

/** Signs a private_key_jwt client assertion: iss = sub = client_id, aud = the token endpoint, a fresh jti. */
async function clientAssertion(
  ctx: CliContext,
  opts: TokenOptions,
  clientId: string,
  tokenEndpoint: string,
): Promise<string> {
  const algs = opts.alg === undefined ? undefined : parseAlgs(opts.alg);
  if (algs !== undefined && algs.length !== 1) throw new UsageError('--alg takes exactly one algorithm');
  const key = await loadKeyFile(ctx, opts.privateKey as string, algs?.[0]);
  if (key.type !== 'private') throw new UsageError('--private-key must be a private key (JWK or PEM)');
  return signJwt({}, key, {
    issuer: clientId,
    subject: clientId,
    audience: tokenEndpoint,
    expiresIn: ASSERTION_TTL,
    jti: true,
  });
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
      .option('--private-key <file>', 'private_key_jwt: sign a client assertion with this JWK or PEM key')
      .option('--alg <alg>', 'algorithm of --private-key (required for PEM)')
      .addOption(
        new Option('--auth <method>', 'client secret authentication')
          .choices(['basic', 'post'])
          .default('basic'),
      ),
  ).action(async (opts: TokenOptions) => {
    const issuer = (opts.issuer ?? ctx.env.SIGNET_ISSUER ?? DEFAULT_ISSUER).replace(/\/+$/, '');
    const clientId = opts.clientId ?? ctx.env.SIGNET_CLIENT_ID;
    if (clientId === undefined || clientId === '') {
      throw new UsageError('pass --client-id ID (or set SIGNET_CLIENT_ID)');
    }
    const keyBased = opts.privateKey !== undefined;
    if (keyBased && (opts.clientSecretFile !== undefined || opts.clientSecret !== undefined)) {
      throw new UsageError('pass either --private-key or a client secret, not both');
    }
    const clientSecret = keyBased
      ? undefined
      : await readSecret(ctx, {
          file: opts.clientSecretFile,
          value: opts.clientSecret,
          envName: 'SIGNET_CLIENT_SECRET',
          fileFlag: '--client-secret-file',
          valueFlag: '--client-secret',
        });
    if (!keyBased && clientSecret === undefined) {
      throw new UsageError(
        'pass --client-secret-file FILE (or set SIGNET_CLIENT_SECRET), or --private-key FILE',
      );
    }
    const meta = await discover(ctx, issuer);
    const credentials = keyBased
      ? { assertion: await clientAssertion(ctx, opts, clientId, meta.token_endpoint) }
      : { clientSecret: clientSecret as string };
    const response = await clientCredentials(ctx, meta.token_endpoint, {
      clientId,
      ...credentials,
      auth: opts.auth,
      ...(opts.scope === undefined ? {} : { scope: opts.scope }),
      ...(opts.audience === undefined ? {} : { audience: opts.audience }),
    });
    printData(ctx, opts.format, response, () => response.access_token);
  });
}
