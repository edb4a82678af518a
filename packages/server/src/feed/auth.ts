import type { FastifyRequest } from 'fastify';
import type { CachedClient } from '../clients/cache.js';
import { isBasic } from '../clients/basic.js';
import type { ServerContext } from '../context.js';
import { OAuthError } from '../errors.js';

/** The capability a client needs to read the revocation feed. */
export const FEED_CAPABILITY = 'revocations';

const CHALLENGE = { 'www-authenticate': 'Basic realm="signet", charset="UTF-8"' };

/**
 * Authenticates a feed subscriber: `client_secret_basic` only (RFC 6749 §2.3.1; a GET has no body for
 * the other methods), through the server's client authenticator, so failures are throttled, counted
 * and audited like at the token endpoint. A client without the `revocations` capability gets 403.
 *
 * @example
 * const client = await authenticateFeedClient(ctx, request);
 */
export async function authenticateFeedClient(
  ctx: ServerContext,
  request: FastifyRequest,
): Promise<CachedClient> {
  const authorization = request.headers.authorization;
  if (authorization === undefined || !isBasic(authorization)) {
    throw new OAuthError(401, 'invalid_client', 'client authentication failed', {
      detail: 'feed: no Basic credentials',
      headers: CHALLENGE,
    });
  }
  const { client } = await ctx.authenticator.authenticate({ authorization, form: {}, ip: request.ip });
  if (!client.record.capabilities.includes(FEED_CAPABILITY)) {
    throw new OAuthError(403, 'unauthorized_client', 'the client may not read the revocation feed');
  }
  return client;
}

/**
 * Whether a subscriber may keep its stream: the client still exists, is enabled and has the
 * capability (read through the client cache, so at most `clientAuth.cacheTtl` seconds stale).
 *
 * @example
 * if (!(await feedClientAllowed(ctx, clientId))) stream.end();
 */
export async function feedClientAllowed(ctx: ServerContext, clientId: string): Promise<boolean> {
  const client = await ctx.clients.get(clientId);
  return (
    client !== undefined && !client.record.disabled && client.record.capabilities.includes(FEED_CAPABILITY)
  );
}
