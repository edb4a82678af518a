import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { installErrorHandler } from '../http/error-handler.js';
import { registerHealthRoutes } from '../http/health.js';
import { fastifyOptions } from '../http/public.js';
import { registerAuditRoutes } from './audit.js';
import { registerClientRoutes } from './clients.js';
import { registerKeyRoutes } from './keys.js';
import { registerRevocationAdminRoutes } from './revocations.js';

/**
 * The admin listener: the admin API (bearer admin token on every `/admin/*` route), Prometheus
 * `/metrics` (unauthenticated: the admin listener binds loopback by default; put it behind the
 * same network policy as the admin API), and the health endpoints.
 *
 * @example
 * const admin = buildAdminApp(ctx);
 */
export function buildAdminApp(ctx: ServerContext): FastifyInstance {
  const app = Fastify(fastifyOptions(ctx, 256 * 1024)) as unknown as FastifyInstance;
  installErrorHandler(app, ctx.logger);
  registerClientRoutes(app, ctx);
  registerKeyRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerRevocationAdminRoutes(app, ctx);
  registerHealthRoutes(app, ctx);
  app.get('/metrics', { logLevel: 'silent' }, async (_req, reply) => {
    ctx.metrics.auditPending.set(ctx.audit.pending);
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
  return app;
}
