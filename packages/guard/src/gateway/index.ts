import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPending, runGuard } from '../adapters/common.js';
import { sendGuardError } from '../adapters/node.js';
import { guardErrors } from '../errors.js';
import type { Guard } from '../guard.js';
import { handleForwardAuth } from './forward-auth.js';
import { createUpstream, proxyRequest, type Upstream } from './proxy.js';
import { compileRoutes, type GatewayRoute, matchRoute, normalizeTarget } from './routes.js';

export { type GatewayRoute, parseRoute } from './routes.js';

/** Options of {@link createGateway} (the `signet gateway` command maps its flags onto these). */
export interface GatewayOptions {
  guard: Guard;
  /** `proxy` (verifying reverse proxy), `forward-auth` (for nginx/Envoy/Traefik), or `both`. Default `proxy`. */
  mode?: 'proxy' | 'forward-auth' | 'both';
  /** Upstream base URL; required unless `mode` is `forward-auth`. */
  upstream?: string | URL;
  /** Route rules, first match wins; a request matching no rule needs a valid token and no scope. */
  routes?: readonly GatewayRoute[];
  /** Listening port; default 0 (a free port). */
  port?: number;
  /** Listening address; default `127.0.0.1`. */
  host?: string;
  /** Path of the forward-auth endpoint (and prefix for Envoy ext_authz); default `/auth`. */
  authPath?: string;
  /** Path of the health endpoint; default `/healthz`. */
  healthPath?: string;
  /** Also send `X-Auth-Claims` (base64url JSON of every claim); default false. */
  claimsHeader?: boolean;
  /** Upper bound (s) of the forward-auth `Cache-Control: private, max-age`; default 60. */
  cacheMaxAge?: number;
  /** Upstream idle timeout (ms); default 30 000. */
  upstreamTimeout?: number;
  /** Max sockets kept to the upstream; default 256. */
  maxSockets?: number;
}

/** A running-or-ready gateway. */
export interface Gateway {
  readonly server: http.Server;
  /** Starts listening; resolves the URL. */
  listen(): Promise<{ url: string; port: number }>;
  /** Stops accepting, closes upstream connections. */
  close(): Promise<void>;
}

function path(name: string, v: unknown, fallback: string): string {
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\/[^?#\s]*$/.test(v))
    throw new TypeError(`"${name}" must be a path starting with /`);
  return v.replace(/\/$/, '') || '/';
}

function healthHandler(guard: Guard, res: ServerResponse): void {
  const health = guard.health();
  // A readiness probe must not wait for the first token: load the keys when none were ever loaded
  // (single-flight, and discovery failures are rate-limited by the guard).
  if (health.status === 'starting') void guard.ready().catch(() => {});
  const ok = health.status === 'ok' || health.status === 'stale';
  res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(health));
}

/**
 * Creates the verifying reverse proxy and/or forward-auth endpoint on `node:http`.
 *
 * @example
 * const gateway = createGateway({
 *   guard: createGuard({ issuer: 'http://127.0.0.1:8080', audience: 'orders' }),
 *   upstream: 'http://127.0.0.1:3001',
 *   routes: [parseRoute('GET /orders/* orders:read')],
 *   mode: 'both',
 * });
 * const { url } = await gateway.listen();
 */
export function createGateway(options: GatewayOptions): Gateway {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { guard } = options;
  if (typeof guard?.authenticate !== 'function')
    throw new TypeError('"guard" must be a guard from createGuard()');
  const mode = options.mode ?? 'proxy';
  if (mode !== 'proxy' && mode !== 'forward-auth' && mode !== 'both') {
    throw new TypeError('"mode" must be proxy, forward-auth or both');
  }
  const routes = compileRoutes(options.routes ?? []);
  const authPath = path('authPath', options.authPath, '/auth');
  const healthPath = path('healthPath', options.healthPath, '/healthz');
  const withClaims = options.claimsHeader === true;
  const num = (name: string, v: number | undefined, fallback: number) => {
    if (v === undefined) return fallback;
    if (!Number.isInteger(v) || v < 0) throw new TypeError(`"${name}" must be a non-negative integer`);
    return v;
  };
  const port = num('port', options.port, 0);
  const cacheMaxAge = num('cacheMaxAge', options.cacheMaxAge, 60);
  const upstreamTimeout = num('upstreamTimeout', options.upstreamTimeout, 30_000);
  const maxSockets = num('maxSockets', options.maxSockets, 256) || 256;
  const host = options.host ?? '127.0.0.1';
  let upstream: Upstream | undefined;
  if (mode !== 'forward-auth') {
    if (options.upstream === undefined) throw new TypeError('"upstream" is required in proxy mode');
    upstream = createUpstream(options.upstream, maxSockets);
  }
  const forwardAuth = { guard, routes, authPath, withClaims, cacheMaxAge };

  async function proxy(req: IncomingMessage, res: ServerResponse, up: Upstream): Promise<void> {
    let target: { path: string; search: string };
    try {
      target = normalizeTarget(req.url ?? '/');
    } catch {
      req.resume();
      sendGuardError(res, guardErrors.invalidRequest(guard.options.realm, 'The request target is malformed'));
      return;
    }
    const scopes = matchRoute(routes, req.method ?? 'GET', target.path)?.scopes ?? [];
    const url = target.path + target.search;
    const pending = runGuard(
      guard,
      { headers: req.headers, rawHeaders: req.rawHeaders, url },
      { scopes, authRequired: true },
    );
    // A cached token is answered synchronously: no promise hop before the upstream request starts.
    const result = isPending(pending) ? await pending : pending;
    if (!result.ok) {
      req.resume();
      sendGuardError(res, result.error);
      return;
    }
    proxyRequest(up, req, res, result.auth, url, withClaims, upstreamTimeout);
  }

  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    if (pathname === healthPath && (req.method === 'GET' || req.method === 'HEAD'))
      return healthHandler(guard, res);
    const isAuthPath = pathname === authPath || pathname.startsWith(`${authPath}/`);
    if (mode !== 'proxy' && isAuthPath) {
      void handleForwardAuth(forwardAuth, req, res).catch(() => {
        if (!res.headersSent) res.writeHead(401, guard.toGuardError(new Error('internal')).headers).end();
      });
      return;
    }
    if (upstream === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not_found' }));
      return;
    }
    void proxy(req, res, upstream).catch(() =>
      sendGuardError(res, guard.toGuardError(new Error('internal'))),
    );
  });
  server.keepAliveTimeout = 65_000;

  return {
    server,
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          void guard.ready().catch(() => {}); // warm the keys; failures show in /healthz
          const addr = server.address() as AddressInfo;
          const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
          resolve({ url: `http://${h}:${addr.port}`, port: addr.port });
        });
      });
    },
    close() {
      upstream?.close();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
