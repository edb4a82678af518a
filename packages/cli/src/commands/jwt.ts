import {
  type Alg,
  decodeUnverified,
  type JwtClaims,
  signJwt,
  type SignerOptions,
  verifyJwt,
} from '@signet/jose';
import type { Command } from 'commander';
import type { CliContext } from '../lib/context.js';
import { CliError, errorCode, UsageError } from '../lib/errors.js';
import { parseDuration } from '../lib/duration.js';
import { collect, parseJsonArg, readFileArg, readValueArg } from '../lib/input.js';
import { loadKeyFile, loadVerificationKeys, parseAlgs } from '../lib/key-input.js';
import { discover } from '../lib/oauth.js';
import { isoSeconds, note, printData, printJson, withFormat } from '../lib/output.js';

const TIME_CLAIMS = ['iat', 'nbf', 'exp'] as const;

/** Human rendering of a decoded or verified token: header, payload, and the time claims spelled out. */
function renderToken(header: unknown, payload: JwtClaims): string {
  const lines = ['header:', JSON.stringify(header, null, 2), 'payload:', JSON.stringify(payload, null, 2)];
  for (const name of TIME_CLAIMS) {
    const value = payload[name];
    if (typeof value === 'number') lines.push(`${name}: ${isoSeconds(value)}`);
  }
  return lines.join('\n');
}

/** `--jwks`, or the `jwks_uri` of the issuer's metadata (RFC 8414) when only `--issuer` is given. */
async function jwksSource(ctx: CliContext, opts: VerifyOptions): Promise<string> {
  if (opts.jwks !== undefined) return opts.jwks;
  if (opts.issuer === undefined) throw new UsageError('pass --jwks URL|FILE, or --issuer URL to discover it');
  const meta = await discover(ctx, opts.issuer.replace(/\/+$/, ''));
  if (typeof meta.jwks_uri !== 'string') {
    throw new CliError(
      'ERR_DISCOVERY_INVALID',
      `the metadata of ${opts.issuer} has no jwks_uri; pass --jwks`,
    );
  }
  return meta.jwks_uri;
}

interface DecodeOptions {
  unverified?: boolean;
  format: string;
}

interface VerifyOptions {
  jwks?: string;
  issuer?: string;
  audience?: string[];
  alg?: string;
  insecureSkipIssuer?: boolean;
  insecureSkipAudience?: boolean;
  insecureAnyAlg?: boolean;
  clockTolerance?: string;
  typ?: string;
  format: string;
}

interface SignOptions {
  key: string;
  alg?: string;
  claims: string;
  exp?: string;
  kid?: string;
  typ?: string;
  iss?: string;
  sub?: string;
  aud?: string[];
  jti?: boolean;
  format: string;
}

/**
 * Registers `signet jwt decode | verify | sign`.
 *
 * @example
 * registerJwt(program, ctx); // signet jwt verify "$TOKEN" --jwks URL --issuer ISS --audience AUD --alg ES256
 */
export function registerJwt(program: Command, ctx: CliContext): void {
  const jwt = program.command('jwt').description('decode, verify and sign JSON Web Tokens');

  withFormat(
    jwt
      .command('decode')
      .description("show a token's header and claims WITHOUT verifying it (requires --unverified)")
      .argument('<token>', 'the token, or "-" to read it from stdin')
      .option('--unverified', 'acknowledge that the output is not verified and must not be trusted'),
  ).action(async (tokenArg: string, opts: DecodeOptions) => {
    if (opts.unverified !== true) {
      throw new UsageError(
        'jwt decode shows claims that nobody has checked; pass --unverified to say so, or use "signet jwt verify"',
      );
    }
    const token = await readValueArg(ctx, tokenArg);
    let decoded: ReturnType<typeof decodeUnverified>;
    try {
      decoded = decodeUnverified(token);
    } catch (err) {
      throw new CliError(errorCode(err) ?? 'ERR_JWT_INVALID', 'not a decodable JWT (compact JWS expected)');
    }
    note(ctx, 'warning: NOT VERIFIED — the signature and claims of this token were not checked');
    printData(ctx, opts.format, { verified: false, header: decoded.header, payload: decoded.payload }, () =>
      renderToken(decoded.header, decoded.payload),
    );
  });

  withFormat(
    jwt
      .command('verify')
      .description("verify a token's signature and claims; exit 1 with the error code when it is invalid")
      .argument('<token>', 'the token, or "-" to read it from stdin')
      .option(
        '--jwks <url|file>',
        'JWKS URL, or a file holding a JWKS, one JWK or a PEM public key ("-" = stdin); default: discovered from --issuer',
      )
      .option('--issuer <url>', 'expected "iss"')
      .option('--audience <aud>', 'expected "aud" (repeatable: any of them)', collect)
      .option('--alg <algs>', 'allowed algorithms, comma-separated (e.g. ES256)')
      .option('--typ <typ>', 'expected "typ" header (e.g. at+jwt)')
      .option('--clock-tolerance <duration>', 'leeway for exp/nbf (e.g. 5s)')
      .option('--insecure-skip-issuer', 'accept any issuer (unsafe)')
      .option('--insecure-skip-audience', 'accept any audience (unsafe)')
      .option('--insecure-any-alg', 'accept whichever algorithm each key is bound to'),
  ).action(async (tokenArg: string, opts: VerifyOptions) => {
    if (opts.issuer === undefined && opts.insecureSkipIssuer !== true) {
      throw new UsageError('pass --issuer URL (or --insecure-skip-issuer to accept any issuer)');
    }
    if (opts.audience === undefined && opts.insecureSkipAudience !== true) {
      throw new UsageError('pass --audience AUD (or --insecure-skip-audience to accept any audience)');
    }
    if (opts.alg === undefined && opts.insecureAnyAlg !== true) {
      throw new UsageError('pass --alg ALG, e.g. --alg ES256 (or --insecure-any-alg)');
    }
    if (tokenArg === '-' && opts.jwks === '-') {
      throw new UsageError('the token and --jwks cannot both be read from stdin');
    }
    const algorithms: Alg[] | undefined = opts.alg === undefined ? undefined : parseAlgs(opts.alg);
    const keys = await loadVerificationKeys(ctx, await jwksSource(ctx, opts), algorithms);
    const token = await readValueArg(ctx, tokenArg);
    const options = {
      ...(algorithms === undefined ? {} : { algorithms }),
      ...(opts.issuer === undefined ? {} : { issuer: opts.issuer }),
      ...(opts.audience === undefined ? {} : { audience: opts.audience }),
      ...(opts.typ === undefined ? {} : { typ: opts.typ }),
      ...(opts.clockTolerance === undefined
        ? {}
        : { clockTolerance: parseDuration(opts.clockTolerance, '--clock-tolerance') }),
    };
    try {
      const result = verifyJwt(token, keys.kind === 'key' ? keys.key : keys.set, options);
      note(ctx, `valid token (alg ${String(result.header.alg)}, kid ${String(result.header.kid ?? '-')})`);
      printData(ctx, opts.format, { valid: true, header: result.header, payload: result.payload }, () =>
        renderToken(result.header, result.payload),
      );
    } catch (err) {
      const code = errorCode(err);
      if (code === undefined || !code.startsWith('ERR_J')) throw err;
      const message = err instanceof Error ? err.message : String(err);
      if (opts.format === 'json') printJson(ctx, { valid: false, error: { code, message } });
      throw new CliError(code, `invalid token: ${code}: ${message}`);
    }
  });

  withFormat(
    jwt
      .command('sign')
      .description('sign a JWT with a private key or secret (JWK or PEM file)')
      .requiredOption('--key <file>', 'private JWK (JSON) or PEM file ("-" = stdin)')
      .option('--alg <alg>', 'algorithm (required for PEM keys; defaults to the JWK\'s "alg")')
      .option('--claims <json>', 'claims as a JSON object, or "-" to read them from stdin', '{}')
      .option('--exp <duration>', 'lifetime, e.g. 5m (sets "exp")')
      .option('--iss <issuer>', '"iss" claim')
      .option('--sub <subject>', '"sub" claim')
      .option('--aud <audience>', '"aud" claim (repeatable)', collect)
      .option('--jti', 'add a random "jti"')
      .option('--kid <kid>', '"kid" header (defaults to the key\'s kid)')
      .option('--typ <typ>', '"typ" header (e.g. at+jwt)'),
  ).action(async (opts: SignOptions) => {
    if (opts.key === '-' && opts.claims === '-') {
      throw new UsageError('--key and --claims cannot both be read from stdin');
    }
    const alg = opts.alg === undefined ? undefined : parseAlgs(opts.alg);
    if (alg !== undefined && alg.length !== 1)
      throw new UsageError('--alg takes exactly one algorithm to sign');
    const key = await loadKeyFile(ctx, opts.key, alg?.[0]);
    if (key.type === 'public')
      throw new UsageError('--key is a public key; signing needs a private key or secret');
    const claimsText = opts.claims === '-' ? await readFileArg(ctx, '-', 'claims') : opts.claims;
    const claims = parseJsonArg(claimsText, '--claims');
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
      throw new UsageError('--claims must be a JSON object');
    }
    const header: Record<string, unknown> = {};
    if (opts.kid !== undefined) header.kid = opts.kid;
    const options: SignerOptions = {
      ...(opts.exp === undefined ? {} : { expiresIn: parseDuration(opts.exp, '--exp') }),
      ...(opts.typ === undefined ? {} : { typ: opts.typ }),
      ...(opts.iss === undefined ? {} : { issuer: opts.iss }),
      ...(opts.sub === undefined ? {} : { subject: opts.sub }),
      ...(opts.aud === undefined
        ? {}
        : { audience: opts.aud.length === 1 ? (opts.aud[0] as string) : opts.aud }),
      ...(opts.jti === true ? { jti: true } : {}),
      ...(opts.kid === undefined ? {} : { header }),
    };
    let token: string;
    try {
      token = signJwt(claims as JwtClaims, key, options);
    } catch (err) {
      const code = errorCode(err) ?? 'ERR_JWT_SIGN';
      throw new CliError(code, `cannot sign: ${err instanceof Error ? err.message : String(err)}`);
    }
    printData(ctx, opts.format, { token }, () => token);
  });
}
