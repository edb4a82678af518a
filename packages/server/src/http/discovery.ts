import type { FastifyInstance } from 'fastify';
import { ASSERTION_ALGS } from '../clients/private-key-jwt.js';
import type { ServerContext } from '../context.js';
import { GRANTS } from '../grants/index.js';

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/** The well-known paths; the JWKS path never moves (gateways configure it statically). */
export const PATHS = {
  token: '/token',
  jwks: '/.well-known/jwks.json',
  introspect: '/introspect',
  revoke: '/revoke',
  revocations: '/revocations',
} as const;

/**
 * The authorization server metadata (RFC 8414 §2), also served as OpenID Connect discovery.
 * Signet has no authorization endpoint, so `response_types_supported` is empty.
 */
export function metadata(ctx: ServerContext): Record<string, unknown> {
  const b = ctx.base;
  return {
    issuer: ctx.config.issuer,
    token_endpoint: b + PATHS.token,
    jwks_uri: b + PATHS.jwks,
    grant_types_supported: [...GRANTS.keys()],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    revocation_endpoint: b + PATHS.revoke,
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    introspection_endpoint: b + PATHS.introspect,
    introspection_endpoint_auth_methods_supported: AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    access_token_signing_alg_values_supported: [ctx.config.signing.alg],
  };
}

/**
 * `GET /.well-known/oauth-authorization-server`, `/.well-known/openid-configuration` and the JWKS.
 *
 * @example
 * registerDiscoveryRoutes(app, ctx);
 */
export function registerDiscoveryRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const body = JSON.stringify(metadata(ctx));
  const send = async (_req: unknown, reply: import('fastify').FastifyReply) =>
    reply.header('cache-control', 'public, max-age=300').type('application/json').send(body);
  app.get('/.well-known/oauth-authorization-server', send);
  app.get('/.well-known/openid-configuration', send);
  // The JWKS may be cached for jwksMaxAge: every key is published at least publishAhead ≥ jwksMaxAge
  // before it signs, so a verifier with a cached copy always knows the signing key.
  const maxAge = `public, max-age=${ctx.config.signing.jwksMaxAge}`;
  app.get(PATHS.jwks, async (_req, reply) =>
    reply.header('cache-control', maxAge).type('application/json').send(ctx.keys.jwks(ctx.nowSec())),
  );
}
