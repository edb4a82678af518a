import { OAuthError } from '../errors.js';
import { type Form, param, params } from '../http/form.js';
import type { Grant, GrantContext, TokenResponse } from './types.js';

/** RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * The requested scopes, narrowed from the client's: absent means all of the client's scopes;
 * anything beyond them is `invalid_scope` (a client can narrow, never widen).
 */
export function requestedScopes(form: Form, allowed: ReadonlySet<string>, all: readonly string[]): string[] {
  const raw = param(form, 'scope');
  if (raw === undefined) return [...all];
  const wanted = raw.split(' ').filter((s) => s !== '');
  const out: string[] = [];
  for (const s of wanted) {
    if (!SCOPE_TOKEN.test(s)) throw new OAuthError(400, 'invalid_scope', 'malformed scope');
    if (!allowed.has(s)) {
      throw new OAuthError(400, 'invalid_scope', 'the requested scope exceeds what the client may ask for', {
        detail: `scope not allowed: ${s.slice(0, 64)}`,
      });
    }
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

/**
 * The audiences of the token: `audience` and `resource` (RFC 8707, may repeat) values, each of
 * which must be registered for the client (`invalid_target` otherwise); none means the client's
 * first audience.
 */
export function requestedAudiences(
  form: Form,
  allowed: ReadonlySet<string>,
  all: readonly string[],
): string[] {
  const resources = params(form, 'resource');
  for (const r of resources) {
    // RFC 8707 §2: an absolute URI without a fragment.
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s#]+$/.test(r)) {
      throw new OAuthError(400, 'invalid_target', 'a resource must be an absolute URI without a fragment');
    }
  }
  const wanted = [...params(form, 'audience'), ...resources];
  if (wanted.length === 0) {
    if (all.length === 0) {
      throw new OAuthError(400, 'invalid_target', 'no audience is registered for this client');
    }
    return [all[0]!];
  }
  const out: string[] = [];
  for (const a of wanted) {
    if (!allowed.has(a)) {
      throw new OAuthError(400, 'invalid_target', 'the requested audience is not allowed for this client', {
        detail: `audience not allowed: ${a.slice(0, 128)}`,
      });
    }
    if (!out.includes(a)) out.push(a);
  }
  return out;
}

/**
 * The client credentials grant (RFC 6749 §4.4): the client gets a token for itself (`sub` =
 * `client_id`).
 *
 * @example
 * // POST /token grant_type=client_credentials&scope=orders:read&audience=https://s2.example
 */
export const clientCredentials: Grant = {
  name: 'client_credentials',
  params: ['scope', 'audience', 'resource'],
  multi: new Set(['resource', 'audience']),
  handle(ctx: GrantContext): TokenResponse {
    const { client } = ctx.client;
    const r = client.record;
    const scope = requestedScopes(ctx.form, client.scopeSet, r.scopes);
    const audience = requestedAudiences(ctx.form, client.audienceSet, r.audiences);
    const ttl = ctx.tokens.ttlFor(r.tokenTtl);
    const issued = ctx.tokens.issue({ subject: r.id, clientId: r.id, audience, scope, ttl, now: ctx.now });
    ctx.audit.record({
      at: ctx.now,
      type: 'token.issued',
      clientId: r.id,
      data: { jti: issued.jti, scope: scope.join(' '), aud: audience, exp: issued.exp, kid: issued.kid },
    });
    const response: TokenResponse = { access_token: issued.token, token_type: 'Bearer', expires_in: ttl };
    if (scope.length > 0) response.scope = scope.join(' ');
    return response;
  },
};
