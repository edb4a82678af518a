import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AdapterResult, isPending, runGuard } from '../adapters/common.js';
import { guardErrors } from '../errors.js';
import type { Guard } from '../guard.js';
import { identityHeaders } from './headers.js';
import { type CompiledRoute, matchRoute, normalizeTarget } from './routes.js';

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The original method and target of the request being authorized:
 * nginx sends `X-Original-Method`/`X-Original-URI` (set in its config), Traefik `X-Forwarded-Method`/
 * `X-Forwarded-Uri`, and Envoy's ext_authz HTTP service appends the original path to the auth path and
 * keeps the original method.
 */
export function originalRequest(
  req: IncomingMessage,
  authPath: string,
): { method: string; target: string } | undefined {
  const h = req.headers;
  const method = first(h['x-original-method']) ?? first(h['x-forwarded-method']);
  const target = first(h['x-original-uri']) ?? first(h['x-forwarded-uri']);
  if (target !== undefined) return { method: method ?? req.method ?? 'GET', target };
  const url = req.url ?? '/';
  if (url.startsWith(`${authPath}/`))
    return { method: method ?? req.method ?? 'GET', target: url.slice(authPath.length) };
  return undefined;
}

/** Options of the forward-auth handler. */
export interface ForwardAuthOptions {
  guard: Guard;
  routes: readonly CompiledRoute[];
  authPath: string;
  withClaims: boolean;
  /** Upper bound (s) of `Cache-Control: max-age` on a 200; never more than the token's remaining lifetime. */
  cacheMaxAge: number;
}

/**
 * Answers a forward-auth request: exactly 200 with identity headers, or 401/403 with `WWW-Authenticate`, the
 * error in `X-Auth-Error`/`X-Auth-Error-Description` (nginx cannot pass a subrequest body) and a JSON body.
 * Nothing else: nginx turns any other status into a 500 and Envoy denies anything but 200, so a malformed
 * request (400 elsewhere) and an internal failure are both answered 401.
 */
export async function handleForwardAuth(
  o: ForwardAuthOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const original = originalRequest(req, o.authPath);
  let scopes: readonly string[] = [];
  let url: string | undefined;
  let result: AdapterResult;
  try {
    if (original !== undefined) {
      const { path, search } = normalizeTarget(original.target);
      scopes = matchRoute(o.routes, original.method, path)?.scopes ?? [];
      url = path + search;
    }
    const pending = runGuard(
      o.guard,
      { headers: req.headers, rawHeaders: req.rawHeaders, url },
      { scopes, authRequired: true },
    );
    result = isPending(pending) ? await pending : pending;
  } catch {
    // An original target that cannot be parsed cannot be matched against the routes: fail closed.
    const error = guardErrors.invalidRequest(
      o.guard.options.realm,
      'The original request target is malformed',
    );
    result = { ok: false, error };
  }
  if (result.ok && result.auth !== undefined) {
    const remaining = Math.floor(result.auth.expiresAt - o.guard.options.now() / 1000);
    const maxAge = Math.max(0, Math.min(o.cacheMaxAge, remaining));
    res.writeHead(200, {
      ...identityHeaders(result.auth, o.withClaims),
      'cache-control': `private, max-age=${maxAge}`,
      'content-length': '0',
    });
    res.end();
    return;
  }
  const error = result.ok ? o.guard.toGuardError(new Error('no auth')) : result.error;
  const status = error.status === 403 ? 403 : 401;
  res.writeHead(status, {
    ...error.headers,
    'x-auth-error': error.body.error,
    'x-auth-error-description': error.body.error_description,
  });
  res.end(JSON.stringify(error.body));
}
