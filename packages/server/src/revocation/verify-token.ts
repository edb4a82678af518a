import { type JwtClaims, verifyJwt } from '@signet/jose';
import type { ServerContext } from '../context.js';

/** A token this server issued, verified, with the `kid` that signed it. */
export interface OwnToken {
  payload: JwtClaims;
  kid: string | undefined;
}

/**
 * Verifies that `token` is an access token this server issued and that it is still alive: a valid
 * signature by a published key, our `iss`, `typ: at+jwt`, not expired, not revoked, and its client
 * still exists. `undefined` for anything else (the caller answers `active: false` or ignores it).
 */
export async function verifyOwnToken(ctx: ServerContext, token: string): Promise<OwnToken | undefined> {
  if (token.length > 16_384) return undefined;
  let payload: JwtClaims;
  let kid: string | undefined;
  try {
    const result = verifyJwt(token, ctx.keys.verificationSet(ctx.nowSec()), {
      algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
      issuer: ctx.config.issuer,
      typ: 'at+jwt',
      requiredClaims: ['exp', 'iat', 'jti', 'client_id'],
      now: ctx.now,
    });
    payload = result.payload;
    kid = result.header.kid;
  } catch {
    return undefined;
  }
  await ctx.revocations.refresh();
  if (ctx.revocations.isRevoked(payload, kid, ctx.nowSec())) return undefined;
  const clientId = payload['client_id'];
  if (typeof clientId !== 'string' || (await ctx.clients.get(clientId)) === undefined) return undefined;
  return { payload, kid };
}
