import type { Auth } from '../types.js';
import type { Guard } from '../guard.js';
import { type AdapterOptions, errorJson, runGuard } from './common.js';

/** Per-route settings, under the route's `config.auth`; `false` makes the route public. */
export type FastifyRouteAuth = false | AdapterOptions;

/** The parts of a Fastify request the plugin uses (structural: fastify is not a dependency). */
export interface FastifyRequestLike {
  headers: Record<string, string | string[] | undefined>;
  raw: { rawHeaders: string[] };
  url: string;
  routeOptions: { config?: unknown };
  auth?: Auth | undefined;
}

interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  headers(headers: Record<string, string>): FastifyReplyLike;
  send(body: string): unknown;
}

interface FastifyLike {
  decorateRequest(name: string, value: unknown): unknown;
  addHook(
    name: 'onRequest',
    hook: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>,
  ): unknown;
}

/**
 * A Fastify plugin: decorates `request.auth` and authenticates every route in the scope it is registered in.
 * Per-route scopes go in the route's `config: { auth: { scopes: [...] } }`; `config: { auth: false }` skips it.
 *
 * @example
 * await app.register(fastifyGuard(guard));
 * app.get('/orders', { config: { auth: { scopes: ['orders:read'] } } }, (req) => req.auth);
 */
export function fastifyGuard(guard: Guard, options?: AdapterOptions) {
  const plugin = async (fastify: FastifyLike): Promise<void> => {
    fastify.decorateRequest('auth', undefined);
    fastify.addHook('onRequest', async (request, reply) => {
      const route = (request.routeOptions.config as { auth?: FastifyRouteAuth } | undefined)?.auth;
      if (route === false) return;
      const merged: AdapterOptions = {
        ...options,
        ...route,
        scopes: [...(options?.scopes ?? []), ...(route?.scopes ?? [])],
        require: [...(options?.require ?? []), ...(route?.require ?? [])],
      };
      const result = await runGuard(
        guard,
        { headers: request.headers, rawHeaders: request.raw.rawHeaders, url: request.url },
        merged,
      );
      if (result.ok) {
        request.auth = result.auth;
        return;
      }
      return reply.code(result.error.status).headers(result.error.headers).send(errorJson(result.error));
    });
  };
  // Fastify's "skip-override" (what fastify-plugin sets): the decoration and hook apply to the parent scope.
  (plugin as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
  return plugin;
}
