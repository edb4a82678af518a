import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { invalidRequest, OAuthError } from '../errors.js';
import { GRANTS, type TokenResponse } from '../grants/index.js';
import type { TokenResult } from '../metrics/registry.js';
import { formOf, singleParams } from './form.js';

/**
 * Renders the RFC 6749 §5.1 response by hand (cheaper than a generic serializer on the hot path):
 * the token is base64url and dots and `expires_in` an integer, so only the scope needs escaping.
 */
function render(r: TokenResponse): string {
  const scope = r.scope === undefined ? '' : `,"scope":${JSON.stringify(r.scope)}`;
  return `{"access_token":"${r.access_token}","token_type":"Bearer","expires_in":${r.expires_in}${scope}}`;
}

function resultOf(err: unknown): TokenResult {
  if (!(err instanceof OAuthError)) return 'error';
  if (err.status === 429) return 'throttled';
  if (err.error === 'invalid_client') return 'invalid_client';
  if (err.error === 'invalid_request') return 'invalid_request';
  return err.status >= 500 ? 'error' : 'rejected';
}

/**
 * `POST /token` (RFC 6749 §3.2): form-encoded only, parameters at most once (except those a grant
 * allows to repeat), client authentication, then the grant's handler. Every response carries
 * `Cache-Control: no-store` (§5.1).
 *
 * @example
 * registerTokenRoute(app, ctx);
 */
export function registerTokenRoute(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/token', async (request, reply) => {
    const started = performance.now();
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    let label = 'unsupported';
    let clientId: string | undefined;
    try {
      const form = formOf(request.body);
      const grantTypes = form['grant_type'];
      if (grantTypes === undefined || grantTypes[0] === '') throw invalidRequest('"grant_type" is missing');
      if (grantTypes.length > 1) throw invalidRequest('parameter "grant_type" is included more than once');
      const grant = GRANTS.get(grantTypes[0]!);
      if (grant === undefined) {
        throw new OAuthError(400, 'unsupported_grant_type', 'the grant type is not supported');
      }
      label = grant.name;
      singleParams(form, grant.multi);
      const client = await ctx.authenticator.authenticate({
        authorization: request.headers.authorization,
        form,
        ip: request.ip,
      });
      clientId = client.client.record.id;
      const response = await grant.handle({
        client,
        form,
        now: ctx.nowSec(),
        tokens: ctx.tokens,
        audit: ctx.audit,
      });
      ctx.metrics.tokenRequest(label, 'issued', clientId);
      ctx.metrics.issueDuration.observe((performance.now() - started) / 1000);
      return reply.type('application/json; charset=utf-8').send(render(response));
    } catch (err) {
      const result = resultOf(err);
      ctx.metrics.tokenRequest(label, result, clientId);
      if (clientId !== undefined && err instanceof OAuthError) {
        // Denials after authentication (scope, audience…) are audited; failed authentications are
        // audited by the authenticator; unauthenticated junk is not (it would let anyone fill the log).
        ctx.audit.record({
          at: ctx.nowSec(),
          type: 'token.denied',
          clientId,
          data: { error: err.error, reason: err.detail ?? err.description },
        });
      }
      throw err;
    }
  });
}
