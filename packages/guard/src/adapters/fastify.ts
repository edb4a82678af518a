import type { Auth } from '../types.js';
import type { Guard } from '../guard.js';
import { type AdapterOptions, type AdapterResult, errorJson, isPending, runGuard } from './common.js';

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
    hook: (request: FastifyRequestLike, reply: FastifyReplyLike, done: (err?: Error) => void) => void,
  ): unknown;
}

/** The options of a route: the plugin's, merged once per route config with the route's `auth`. */
function routeOptionsFor(
  base: AdapterOptions | undefined,
): (config: unknown) => AdapterOptions | undefined | false {
  const byConfig = new WeakMap<object, AdapterOptions | undefined | false>();
  return (config) => {
    if (typeof config !== 'object' || config === null) return base;
    const hit = byConfig.get(config);
    if (hit !== undefined || byConfig.has(config)) return hit;
    const route = (config as { auth?: FastifyRouteAuth }).auth;
    const merged =
      route === false
        ? false
        : route === undefined
          ? base
          : {
              ...base,
              ...route,
              scopes: [...(base?.scopes ?? []), ...(route.scopes ?? [])],
              require: [...(base?.require ?? []), ...(route.require ?? [])],
            };
    byConfig.set(config, merged);
    return merged;
  };
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
    const optionsOf = routeOptionsFor(options);
    const settle = (
      result: AdapterResult,
      request: FastifyRequestLike,
      reply: FastifyReplyLike,
      done: () => void,
    ): void => {
      if (result.ok) {
        request.auth = result.auth;
        done();
        return;
      }
      // Answering from a callback hook ends the request here: `done` is not called.
      reply.code(result.error.status).headers(result.error.headers).send(errorJson(result.error));
    };
    // A callback hook, not an async one: a cached token (or loaded keys) is answered without a promise.
    fastify.addHook('onRequest', (request, reply, done) => {
      const merged = optionsOf(request.routeOptions.config);
      if (merged === false) {
        done();
        return;
      }
      const result = runGuard(
        guard,
        { headers: request.headers, rawHeaders: request.raw.rawHeaders, url: request.url },
        merged,
      );
      if (isPending(result)) {
        result.then((r) => settle(r, request, reply, done), done);
        return;
      }
      settle(result, request, reply, done);
    });
  };
  // Fastify's "skip-override" (what fastify-plugin sets): the decoration and hook apply to the parent scope.
  (plugin as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
  return plugin;
}
