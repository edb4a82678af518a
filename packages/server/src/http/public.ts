import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { registerFeedRoutes } from '../feed/routes.js';
import { registerRevocationRoutes } from '../revocation/routes.js';
import { registerDiscoveryRoutes } from './discovery.js';
import { installErrorHandler } from './error-handler.js';
import { parseForm } from './form.js';
import { registerHealthRoutes } from './health.js';
import { registerTokenRoute } from './token.js';

/**
 * Fastify options shared by both listeners. Fastify gets no logger: a per-request child logger
 * costs CPU on the hot path, and nothing is logged per request anyway; the error handler logs
 * through the server's logger.
 */
export function fastifyOptions(ctx: ServerContext, bodyLimit: number) {
  return {
    bodyLimit,
    trustProxy: ctx.config.trustProxy,
    // While closing, routes keep answering (in-flight and keep-alive requests drain); /readyz says 503.
    return503OnClosing: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } },
  } as const;
}

/**
 * The public listener: token endpoint, discovery, JWKS, introspection, revocation, health. Accepts
 * only `application/x-www-form-urlencoded` bodies (strict parser), at most `http.bodyLimit` bytes.
 *
 * @example
 * const app = buildPublicApp(ctx);
 * const res = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
 */
export function buildPublicApp(ctx: ServerContext): FastifyInstance {
  const app = Fastify(fastifyOptions(ctx, ctx.config.http.bodyLimit)) as unknown as FastifyInstance;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  installErrorHandler(app, ctx.logger);
  registerTokenRoute(app, ctx);
  registerDiscoveryRoutes(app, ctx);
  registerRevocationRoutes(app, ctx);
  registerFeedRoutes(app, ctx);
  registerHealthRoutes(app, ctx);
  return app;
}
