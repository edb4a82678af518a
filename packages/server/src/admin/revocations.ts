import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { OAuthError } from '../errors.js';
import type { RevocationKind, RevocationRecord } from '../store/types.js';
import { requireAdmin } from './auth.js';

const Body = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('jti'),
      Type.Literal('subject'),
      Type.Literal('client'),
      Type.Literal('kid'),
    ]),
    value: Type.String({ minLength: 1, maxLength: 512 }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    notBefore: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/**
 * `POST /admin/revocations` → 201 `{ revocation }`, committed before the answer. A `kid`
 * revocation also revokes the signing key (it leaves the JWKS at once). Entries expire when every
 * token they can kill has expired (`maxTtl` + clock skew after the cut-off).
 *
 * @example
 * registerRevocationAdminRoutes(app, ctx);
 */
export function registerRevocationAdminRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const span = ctx.config.tokens.maxTtl + ctx.config.signing.clockSkew;
  app.post<{ Body: { kind: RevocationKind; value: string; reason?: string; notBefore?: number } }>(
    '/admin/revocations',
    { schema: { body: Body } },
    async (request, reply) => {
      const actor = await requireAdmin(ctx, request);
      const { kind, value } = request.body;
      const reason = request.body.reason ?? null;
      const now = ctx.nowSec();
      let record: RevocationRecord | undefined;
      if (kind === 'kid') {
        const result = await ctx.keys.revoke(value, actor, reason);
        if (!result) throw new OAuthError(404, 'not_found', 'no such key');
        record = result.revocation;
        if (!record) throw new OAuthError(409, 'conflict', 'the key is already revoked');
      } else {
        const notBefore =
          kind === 'subject' || kind === 'client' ? (request.body.notBefore ?? now + 1) : null;
        record = await ctx.store.addRevocation({
          kind,
          value,
          notBefore,
          expiresAt: (notBefore ?? now) + span,
          reason,
          createdAt: now,
        });
        ctx.metrics.revocations.labels(kind).inc();
      }
      ctx.revocations.apply(record);
      ctx.audit.record({
        at: now,
        type: 'revocation.created',
        clientId: null,
        data: { kind, value, reason, actor },
      });
      reply.code(201);
      return { revocation: record };
    },
  );
}
