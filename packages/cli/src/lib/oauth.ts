import type { CliContext } from './context.js';
import { CliError } from './errors.js';

/** The parts of RFC 8414 authorization server metadata the CLI uses. */
export interface ServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri?: string;
  [name: string]: unknown;
}

/** A successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  scope?: string;
  [name: string]: unknown;
}

const TIMEOUT_MS = 15_000;

async function getJson(ctx: CliContext, url: string): Promise<{ status: number; json: unknown }> {
  let res: Response;
  try {
    res = await ctx.fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const reason =
      err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new CliError('ERR_DISCOVERY_UNREACHABLE', `cannot reach ${url} (${reason})`, { cause: err });
  }
  const text = await res.text();
  try {
    return { status: res.status, json: JSON.parse(text) };
  } catch {
    return { status: res.status, json: undefined };
  }
}

/**
 * The RFC 8414 metadata URL of an issuer: the well-known path goes between the host and the issuer's path (§3.1).
 *
 * @example
 * metadataUrl('https://auth.example/tenant'); // https://auth.example/.well-known/oauth-authorization-server/tenant
 */
export function metadataUrl(issuer: string, suffix = 'oauth-authorization-server'): string {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.origin}/.well-known/${suffix}${path}`;
}

/**
 * Discovers an authorization server (RFC 8414, then OpenID Connect Discovery) and checks that the metadata
 * names the issuer that was asked for (RFC 8414 §3.3: stops a server impersonating another issuer).
 *
 * @example
 * const meta = await discover(ctx, 'http://127.0.0.1:8080'); // meta.token_endpoint
 */
export async function discover(ctx: CliContext, issuer: string): Promise<ServerMetadata> {
  const candidates = [metadataUrl(issuer), `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`];
  for (const url of candidates) {
    const { status, json } = await getJson(ctx, url);
    if (status === 404) continue;
    const meta = json as Partial<ServerMetadata> | undefined;
    if (
      status !== 200 ||
      typeof meta !== 'object' ||
      meta === null ||
      typeof meta.token_endpoint !== 'string'
    ) {
      throw new CliError(
        'ERR_DISCOVERY_INVALID',
        `${url} did not return authorization server metadata (HTTP ${status})`,
      );
    }
    if (meta.issuer !== issuer) {
      throw new CliError(
        'ERR_DISCOVERY_ISSUER_MISMATCH',
        `the metadata at ${url} names issuer ${String(meta.issuer)}, not ${issuer}`,
      );
    }
    return meta as ServerMetadata;
  }
  throw new CliError(
    'ERR_DISCOVERY_NOT_FOUND',
    `no authorization server metadata found for issuer ${issuer}`,
  );
}

/** RFC 6749 §2.3.1: client_id and secret are form-urlencoded before they are joined and base64-encoded. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/**
 * Requests a token with the client_credentials grant (RFC 6749 §4.4), authenticating with
 * `client_secret_basic` (default), `client_secret_post`, or a `private_key_jwt` assertion.
 *
 * @example
 * const res = await clientCredentials(ctx, meta.token_endpoint, { clientId, clientSecret, scope: 'orders:read' });
 */
export async function clientCredentials(
  ctx: CliContext,
  tokenEndpoint: string,
  params: {
    clientId: string;
    /** A secret for client_secret_basic / client_secret_post … */
    clientSecret?: string;
    /** … or a signed client assertion for private_key_jwt (RFC 7523 §2.2). */
    assertion?: string;
    scope?: string;
    audience?: string;
    auth?: 'basic' | 'post';
  },
): Promise<TokenResponse> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (params.scope !== undefined) form.set('scope', params.scope);
  if (params.audience !== undefined) form.set('audience', params.audience);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  const secret = params.clientSecret ?? '';
  if (params.assertion !== undefined) {
    form.set('client_id', params.clientId);
    form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    form.set('client_assertion', params.assertion);
  } else if (params.auth === 'post') {
    form.set('client_id', params.clientId);
    form.set('client_secret', secret);
  } else {
    const basic = Buffer.from(`${formEncode(params.clientId)}:${formEncode(secret)}`).toString('base64');
    headers.authorization = `Basic ${basic}`;
  }
  let res: Response;
  try {
    res = await ctx.fetch(tokenEndpoint, {
      method: 'POST',
      headers,
      body: form.toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const reason =
      err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new CliError(
      'ERR_TOKEN_UNREACHABLE',
      `cannot reach the token endpoint ${tokenEndpoint} (${reason})`,
    );
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // A non-JSON body is reported by status below.
  }
  if (res.ok && typeof json.access_token === 'string') return json as TokenResponse;
  const error = typeof json.error === 'string' ? json.error : undefined;
  const description = typeof json.error_description === 'string' ? `: ${json.error_description}` : '';
  if (error !== undefined) {
    throw new CliError(`ERR_TOKEN_${error.toUpperCase()}`, `token request refused: ${error}${description}`);
  }
  throw new CliError('ERR_TOKEN_REQUEST', `token request failed with HTTP ${res.status}`);
}
