import type { Gateway, GatewayRoute, GuardOptions, RevocationFeed } from '@signet/guard';
import type { Alg } from '@signet/jose';
import { type Command, Option } from 'commander';
import type { CliContext } from '../lib/context.js';
import { collect } from '../lib/input.js';
import { parseDuration, parsePort } from '../lib/duration.js';
import { CliError, errorCode, UsageError } from '../lib/errors.js';
import { parseAlgs } from '../lib/key-input.js';
import { note } from '../lib/output.js';
import { type FeedFlags, startFeed, withFeedOptions } from './gateway-feed.js';

/** Default listening port of `signet gateway`. */
export const DEFAULT_GATEWAY_PORT = 8090;

interface GatewayFlags extends FeedFlags {
  issuer: string;
  audience: string[];
  upstream?: string;
  port?: string;
  host: string;
  route?: string[];
  mode: 'proxy' | 'forward-auth' | 'both';
  jwksUri?: string;
  alg?: string;
  requiredScope?: string[];
  clockTolerance?: string;
  authPath?: string;
  claimsHeader?: boolean;
}

/** Turns the flags into guard and gateway options; every mistake is a usage error (exit 2). */
async function options(
  ctx: CliContext,
  flags: GatewayFlags,
): Promise<{ guard: GuardOptions; routes: GatewayRoute[]; port: number }> {
  const { parseRoute } = await import('@signet/guard');
  if (flags.mode !== 'forward-auth' && flags.upstream === undefined) {
    throw new UsageError(`--upstream URL is required in ${flags.mode} mode (or use --mode forward-auth)`);
  }
  const algorithms: Alg[] | undefined = flags.alg === undefined ? undefined : parseAlgs(flags.alg);
  let routes: GatewayRoute[];
  try {
    routes = (flags.route ?? []).map(parseRoute);
  } catch (err) {
    throw new UsageError(`--route: ${err instanceof Error ? err.message : String(err)}`);
  }
  const guard: GuardOptions = {
    issuer: flags.issuer,
    audience: flags.audience,
    fetch: ctx.fetch,
    ...(algorithms === undefined ? {} : { algorithms }),
    ...(flags.jwksUri === undefined ? {} : { jwks: { uri: flags.jwksUri } }),
    ...(flags.requiredScope === undefined ? {} : { requiredScopes: flags.requiredScope }),
    ...(flags.clockTolerance === undefined
      ? {}
      : { clockTolerance: parseDuration(flags.clockTolerance, '--clock-tolerance') }),
  };
  const port = flags.port === undefined ? DEFAULT_GATEWAY_PORT : parsePort(flags.port, '--port');
  return { guard, routes, port };
}

/**
 * Registers `signet gateway`: a verifying reverse proxy and/or forward-auth endpoint (nginx, Envoy, Traefik).
 *
 * @example
 * registerGateway(program, ctx);
 * // signet gateway --issuer http://127.0.0.1:8080 --audience https://s2.example \
 * //   --upstream http://127.0.0.1:3001 --route "GET /orders/* orders:read" --mode both
 */
export function registerGateway(program: Command, ctx: CliContext): void {
  withFeedOptions(
    program
      .command('gateway')
      .description(
        'verify tokens at the edge: a reverse proxy to --upstream and/or a forward-auth endpoint (/auth)',
      )
      .requiredOption('--issuer <url>', 'the issuer whose tokens are accepted (discovery base)')
      .requiredOption('--audience <aud>', 'accepted audience (repeatable)', collect)
      .option('--upstream <url>', 'upstream base URL (proxy and both modes)')
      .option('--port <n>', `listening port (default ${DEFAULT_GATEWAY_PORT}; 0 = any free port)`)
      .option('--host <addr>', 'listening address', '127.0.0.1')
      .option('--route <rule>', 'scope rule "METHOD /path/* scope…", first match wins (repeatable)', collect)
      .addOption(
        new Option('--mode <mode>', 'what to serve')
          .choices(['proxy', 'forward-auth', 'both'])
          .default('proxy'),
      )
      .option('--jwks-uri <url>', 'static JWKS URL (skips discovery)')
      .option('--alg <algs>', 'allowed algorithms, comma-separated (default: every asymmetric one)')
      .option('--required-scope <scope>', 'scope every request needs (repeatable)', collect)
      .option('--clock-tolerance <duration>', 'leeway for exp/nbf (default 5s)')
      .option('--auth-path <path>', 'path of the forward-auth endpoint (default /auth)')
      .option('--claims-header', 'also send X-Auth-Claims (base64url JSON of every claim) upstream'),
  ).action(async (flags: GatewayFlags) => {
    const { guard: guardOptions, routes, port } = await options(ctx, flags);
    const { createGateway, createGuard } = await import('@signet/guard');
    const feed: RevocationFeed | undefined = await startFeed(ctx, flags, flags.issuer);
    let gateway: Gateway;
    let url: string;
    try {
      gateway = createGateway({
        guard: createGuard(feed === undefined ? guardOptions : { ...guardOptions, feed }),
        mode: flags.mode,
        routes,
        port,
        host: flags.host,
        ...(flags.upstream === undefined ? {} : { upstream: flags.upstream }),
        ...(flags.authPath === undefined ? {} : { authPath: flags.authPath }),
        ...(flags.claimsHeader === true ? { claimsHeader: true } : {}),
      });
    } catch (err) {
      await feed?.close();
      if (err instanceof TypeError) throw new UsageError(err.message);
      throw err;
    }
    try {
      ({ url } = await gateway.listen());
    } catch (err) {
      await feed?.close();
      const code = errorCode(err) ?? 'ERR_GATEWAY_LISTEN';
      throw new CliError(code, `gateway cannot listen on ${flags.host}:${port} (${code})`, { cause: err });
    }
    const what =
      flags.mode === 'forward-auth'
        ? `forward-auth at ${url}${flags.authPath ?? '/auth'}`
        : `proxy to ${flags.upstream}${flags.mode === 'both' ? `, forward-auth at ${url}${flags.authPath ?? '/auth'}` : ''}`;
    const revocations = feed === undefined ? '' : ', following the revocation feed';
    note(ctx, `signet: gateway listening on ${url} (${what}${revocations})`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      const off = ctx.onSignal((s) => {
        off();
        resolve(s);
      });
    });
    note(ctx, `signet: ${signal} received, closing the gateway`);
    await gateway.close();
    await feed?.close();
  });
}
