import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { OAuthError } from '../errors.js';
import { requireAdmin } from './auth.js';

const KidParams = Type.Object({ kid: Type.String({ minLength: 1, maxLength: 128 }) });
const RevokeBody = Type.Union([
  Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
  Type.Null(),
]);

/**
 * Signing keys in the admin API: list (public parts only), start a rotation, revoke a key, re-wrap
 * every private key under the first KEK (after a KEK rotation).
 *
 * @example
 * registerKeyRoutes(app, ctx);
 */
export function registerKeyRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/admin/keys', async (request) => {
    await requireAdmin(ctx, request);
    return { keys: ctx.keys.list(ctx.nowSec()) };
  });

  app.post('/admin/keys/rotate', async (request) => {
    const actor = await requireAdmin(ctx, request);
    await ctx.keys.rotate(actor);
    return { keys: ctx.keys.list(ctx.nowSec()) };
  });

  app.post('/admin/keys/rewrap', async (request) => {
    const actor = await requireAdmin(ctx, request);
    const rewrapped = await ctx.keys.rewrap();
    ctx.audit.record({ at: ctx.nowSec(), type: 'key.rewrapped', clientId: null, data: { rewrapped, actor } });
    return { rewrapped };
  });

  app.post<{ Params: { kid: string }; Body: { reason?: string } | null }>(
    '/admin/keys/:kid/revoke',
    { schema: { params: KidParams, body: RevokeBody } },
    async (request) => {
      const actor = await requireAdmin(ctx, request);
      const result = await ctx.keys.revoke(request.params.kid, actor, request.body?.reason ?? null);
      if (!result) throw new OAuthError(404, 'not_found', 'no such key');
      if (result.revocation) ctx.revocations.apply(result.revocation);
      return { key: result.key };
    },
  );
}
