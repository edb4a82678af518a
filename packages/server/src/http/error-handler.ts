import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { isStoreUnavailable, OAuthError } from '../errors.js';

/** Fastify's own client errors, rendered as OAuth errors with a fixed public description. */
const FASTIFY_CLIENT_ERRORS: Record<string, [number, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [400, 'unsupported content type'],
  FST_ERR_CTP_INVALID_TYPE: [400, 'invalid content type'],
  FST_ERR_CTP_EMPTY_TYPE: [400, 'missing content type'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'request body too large'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid content length'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'empty JSON body'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid JSON body'],
};

/** Turns anything thrown by a route into an {@link OAuthError}; unknown errors become a 500. */
export function toOAuthError(err: unknown): OAuthError {
  if (err instanceof OAuthError) return err;
  if (isStoreUnavailable(err)) {
    return new OAuthError(503, 'temporarily_unavailable', 'the service is temporarily unavailable', {
      detail: 'store unavailable',
      headers: { 'retry-after': '5' },
    });
  }
  const e = err as Partial<FastifyError> & { validation?: unknown };
  if (e.validation !== undefined) {
    return new OAuthError(400, 'invalid_request', `invalid request: ${e.message ?? 'schema mismatch'}`);
  }
  const known = e.code !== undefined ? FASTIFY_CLIENT_ERRORS[e.code] : undefined;
  if (known) return new OAuthError(known[0], 'invalid_request', known[1], { detail: e.code });
  if (
    err instanceof SyntaxError ||
    (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
  ) {
    const status = typeof e.statusCode === 'number' ? e.statusCode : 400;
    return new OAuthError(status, 'invalid_request', 'malformed request', { detail: e.code ?? e.name });
  }
  return new OAuthError(500, 'server_error', 'internal error', { detail: e.message ?? String(err) });
}

/**
 * Installs the one error handler of an app: renders `{ error, error_description }` with the status
 * and headers of the error, never caches an error, logs the private detail (never the request body
 * or credentials), and renders unknown routes as 404 (405 with `Allow` for a known path asked with
 * another method).
 *
 * @example
 * installErrorHandler(app, logger);
 */
export function installErrorHandler(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const e = toOAuthError(err);
    if (e.status >= 500 && e.status !== 503) {
      logger.error({ err, route: request.routeOptions.url, reqId: request.id }, 'request failed');
    } else {
      logger.info(
        {
          status: e.status,
          error: e.error,
          detail: e.detail,
          route: request.routeOptions.url,
          reqId: request.id,
        },
        'request refused',
      );
    }
    reply.code(e.status).headers(e.headers).header('cache-control', 'no-store').header('pragma', 'no-cache');
    return reply.send({ error: e.error, error_description: e.description });
  });
  // Every route registered after this point, by path pattern: a known path asked with another
  // method answers 405 with `Allow` (RFC 9110 §15.5.6) instead of 404.
  const routes = new Map<string, { path: RegExp; methods: Set<string> }>();
  app.addHook('onRoute', (route) => {
    let entry = routes.get(route.url);
    if (entry === undefined) {
      entry = { path: pathPattern(route.url), methods: new Set() };
      routes.set(route.url, entry);
    }
    for (const m of Array.isArray(route.method) ? route.method : [route.method]) entry.methods.add(m);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] as string;
    const allowed = new Set<string>();
    for (const { path: pattern, methods } of routes.values()) {
      if (pattern.test(path)) for (const m of methods) allowed.add(m);
    }
    if (allowed.size === 0) {
      return reply.code(404).send({ error: 'not_found', error_description: 'no such endpoint' });
    }
    const allow = [...allowed].sort().join(', ');
    return reply
      .code(405)
      .header('allow', allow)
      .header('cache-control', 'no-store')
      .send({ error: 'invalid_request', error_description: `this endpoint accepts ${allow}` });
  });
}

/** A route URL (`/admin/clients/:id`) as a whole-path pattern; parameters match one segment. */
function pathPattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}
