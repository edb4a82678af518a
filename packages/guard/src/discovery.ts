/** Why discovery failed (the private reason; discovery errors surface to clients as `invalid_token`). */
export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
  readonly code = 'ERR_GUARD_DISCOVERY';
}

const MAX_METADATA_BYTES = 1 << 20;

/**
 * The metadata URLs to try, in order: RFC 8414 §3.1 inserts the well-known segment between the host and
 * the issuer's path; OpenID Connect Discovery §4 appends it to the issuer.
 */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  const oauth = new URL(`/.well-known/oauth-authorization-server${path}`, url.origin).href;
  const oidc = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  return [oauth, oidc];
}

async function fetchJson(url: string, fetchImpl: typeof fetch, timeout: number): Promise<unknown> {
  const res = await fetchImpl(url, {
    headers: { accept: 'application/json' },
    redirect: 'error',
    signal: AbortSignal.timeout(timeout),
  });
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new DiscoveryError(`metadata endpoint answered ${res.status}`);
  }
  const text = await res.text();
  if (text.length > MAX_METADATA_BYTES) throw new DiscoveryError('metadata document too large');
  return JSON.parse(text);
}

/**
 * Finds the issuer's `jwks_uri`: RFC 8414 metadata first, then OpenID discovery. The document's `issuer`
 * must equal the configured one exactly (RFC 8414 §3.3): this stops a metadata document of one issuer
 * from pointing the guard at another issuer's keys.
 */
export async function discoverJwksUri(
  issuer: string,
  fetchImpl: typeof fetch,
  timeout: number,
): Promise<string> {
  let lastError: unknown;
  for (const url of metadataUrls(issuer)) {
    let doc: unknown;
    try {
      doc = await fetchJson(url, fetchImpl, timeout);
    } catch (e) {
      lastError = e;
      continue;
    }
    if (typeof doc !== 'object' || doc === null) throw new DiscoveryError('metadata is not a JSON object');
    const { issuer: found, jwks_uri: jwksUri } = doc as { issuer?: unknown; jwks_uri?: unknown };
    if (found !== issuer) throw new DiscoveryError('metadata issuer does not match the configured issuer');
    if (typeof jwksUri !== 'string') throw new DiscoveryError('metadata has no jwks_uri');
    const parsed = new URL(jwksUri);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new DiscoveryError('jwks_uri must be an http(s) URL');
    }
    return parsed.href;
  }
  const detail = lastError instanceof Error ? `: ${lastError.name}` : '';
  throw new DiscoveryError(`no metadata document could be fetched${detail}`, { cause: lastError });
}
