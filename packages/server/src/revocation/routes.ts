import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { invalidRequest, OAuthError } from '../errors.js';
import { formOf, param, singleParams } from '../http/form.js';
import { PATHS } from '../http/discovery.js';
import { verifyOwnToken } from './verify-token.js';

const NO_MULTI = new Set<string>();

async function authenticate(ctx: ServerContext, request: import('fastify').FastifyRequest) {
  const form = formOf(request.body);
  singleParams(form, NO_MULTI);
  const client = await ctx.authenticator.authenticate({
    authorization: request.headers.authorization,
    form,
    ip: request.ip,
  });
  const token = param(form, 'token');
  if (token === undefined) throw invalidRequest('"token" is missing');
  return { client, token };
}

/**
 * `POST /introspect` (RFC 7662) for clients with the `introspect` capability: the claims of an
 * active token, `{ active: false }` for anything else (expired, revoked, unknown, bad signature).
 * `POST /revoke` (RFC 7009): a client revokes one of its own tokens; 200 for unknown or invalid
 * tokens too (§2.2). The revocation is committed before the answer.
 *
 * @example
 * registerRevocationRoutes(app, ctx);
 */
export function registerRevocationRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post(PATHS.introspect, async (request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const { client, token } = await authenticate(ctx, request);
    if (!client.client.record.capabilities.includes('introspect')) {
      throw new OAuthError(403, 'unauthorized_client', 'the client may not introspect tokens');
    }
    const own = await verifyOwnToken(ctx, token);
    if (own === undefined) return { active: false };
    return { active: true, token_type: 'Bearer', ...own.payload };
  });

  app.post(PATHS.revoke, async (request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const { client, token } = await authenticate(ctx, request);
    const own = await verifyOwnToken(ctx, token);
    if (own === undefined) return reply.code(200).send();
    const callerId = client.client.record.id;
    if (own.payload['client_id'] !== callerId) {
      throw new OAuthError(400, 'unauthorized_client', 'the token was not issued to this client');
    }
    const now = ctx.nowSec();
    const jti = own.payload.jti as string;
    const record = await ctx.store.addRevocation({
      kind: 'jti',
      value: jti,
      notBefore: null,
      expiresAt: (own.payload.exp as number) + ctx.config.signing.clockSkew,
      reason: 'revoked by client (RFC 7009)',
      createdAt: now,
    });
    ctx.revocations.apply(record);
    ctx.metrics.revocations.labels('jti').inc();
    ctx.audit.record({
      at: now,
      type: 'revocation.created',
      clientId: callerId,
      data: { kind: 'jti', jti, seq: record.seq },
    });
    return reply.code(200).send();
  });
}
