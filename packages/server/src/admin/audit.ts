import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { requireAdmin } from './auth.js';

const AuditQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ pattern: '^\\d{1,15}$' })),
    limit: Type.Optional(Type.String({ pattern: '^\\d{1,4}$' })),
  },
  { additionalProperties: false },
);

/**
 * `GET /admin/audit?after=N&limit=M` → `{ events, last }` (oldest first; `last` is the id to pass
 * as `after` next time). Pending events are flushed first, so a tail sees everything so far.
 *
 * @example
 * registerAuditRoutes(app, ctx);
 */
export function registerAuditRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: { after?: string; limit?: string } }>(
    '/admin/audit',
    { schema: { querystring: AuditQuery } },
    async (request) => {
      await requireAdmin(ctx, request);
      const after = Number(request.query.after ?? 0);
      const limit = Math.min(1000, Math.max(1, Number(request.query.limit ?? 100)));
      await ctx.audit.flush();
      const events = await ctx.store.readAudit(after, limit);
      const last = events.length > 0 ? (events[events.length - 1]!.id ?? after) : after;
      return { events, last };
    },
  );
}
