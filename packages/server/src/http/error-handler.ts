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
 * or credentials), and renders unknown routes as 404.
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
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: 'not_found', error_description: 'no such endpoint' }),
  );
}
