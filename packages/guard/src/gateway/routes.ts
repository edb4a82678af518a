/** One route rule: requests whose method and path match need every listed scope. */
export interface GatewayRoute {
  /** An HTTP method, or `*` for any. A `GET` rule also covers `HEAD`. */
  method: string;
  /**
   * A path pattern: `*` matches one path segment; a trailing `/*` matches the path itself and everything
   * below it (`/orders/*` covers `/orders`, `/orders/1`, `/orders/1/items`).
   */
  pattern: string;
  scopes: readonly string[];
}

/** A compiled rule. */
export interface CompiledRoute extends GatewayRoute {
  readonly regex: RegExp;
}

/**
 * Parses the CLI form `"GET /orders/* orders:read orders:list"` (method, pattern, then zero or more scopes).
 *
 * @example
 * parseRoute('GET /orders/* orders:read'); // { method: 'GET', pattern: '/orders/*', scopes: ['orders:read'] }
 */
export function parseRoute(spec: string): GatewayRoute {
  if (typeof spec !== 'string')
    throw new TypeError('"route" must be a string like "GET /orders/* orders:read"');
  const [method, pattern, ...scopes] = spec.trim().split(/\s+/);
  if (method === undefined || pattern === undefined || method === '') {
    throw new TypeError('"route" must be a string like "GET /orders/* orders:read"');
  }
  return { method, pattern, scopes };
}

function compilePattern(pattern: string): RegExp {
  const escapeRegex = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  let tail = '/?';
  let body = pattern.replace(/\/{2,}/g, '/');
  if (body.endsWith('/*')) {
    body = body.slice(0, -2);
    tail = '(?:/.*)?';
  } else if (body.endsWith('*')) {
    body = body.slice(0, -1);
    tail = '.*';
  } else if (body.length > 1 && body.endsWith('/')) {
    body = body.slice(0, -1);
  }
  const source = body
    .split('*')
    .map((part) => escapeRegex(part))
    .join('[^/]+');
  // Case-insensitive, and an optional trailing slash: many frameworks (Express by default) route
  // `/ORDERS/1/` like `/orders/1`, so a narrower match here would let such a request skip its rule.
  return new RegExp(`^${source}${tail}$`, 'i');
}

/** Validates and compiles route rules (first match wins). */
export function compileRoutes(routes: readonly GatewayRoute[]): CompiledRoute[] {
  if (!Array.isArray(routes)) throw new TypeError('"routes" must be an array');
  return routes.map((r, i) => {
    if (typeof r?.method !== 'string' || !/^(\*|[A-Za-z]+)$/.test(r.method)) {
      throw new TypeError(`"routes[${i}].method" must be an HTTP method or *`);
    }
    if (typeof r.pattern !== 'string' || !r.pattern.startsWith('/')) {
      throw new TypeError(`"routes[${i}].pattern" must be a path starting with /`);
    }
    if (
      !Array.isArray(r.scopes) ||
      (r.scopes as unknown[]).some((s) => typeof s !== 'string' || s === '' || /[\s"\\]/.test(s))
    ) {
      throw new TypeError(`"routes[${i}].scopes" must be an array of scope tokens`);
    }
    return Object.freeze({
      method: r.method.toUpperCase(),
      pattern: r.pattern,
      scopes: Object.freeze([...r.scopes]),
      regex: compilePattern(r.pattern),
    });
  });
}

/** RFC 3986 §2.3: percent-encoded unreserved characters are equivalent to the characters themselves. */
function decodeUnreserved(target: string): string {
  return target.replace(/%([0-9A-Fa-f]{2})/g, (match, hex: string) => {
    const c = String.fromCharCode(Number.parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : match.toUpperCase();
  });
}

/**
 * The path and query of a request target, normalized so that every spelling of a path meets the same rule:
 * percent-encoded unreserved characters decoded (`/%6Frders` is `/orders`), dot segments resolved (WHATWG URL
 * parsing also resolves `%2e%2e` and backslashes) and repeated slashes merged. Rules match this form and the
 * proxy forwards this form, so `/orders/../admin` cannot pass a `/orders/*` rule and then reach `/admin`.
 */
export function normalizeTarget(target: string): { path: string; search: string } {
  const absolute = target.startsWith('/') ? target : `/${target}`;
  // Prefixing the origin keeps `//host/x` a path: as a relative reference it would name a host.
  const url = new URL(`http://gateway.invalid${decodeUnreserved(absolute)}`);
  if (url.host !== 'gateway.invalid') throw new TypeError('not a path');
  return { path: url.pathname.replace(/\/{2,}/g, '/'), search: url.search };
}

/** The first rule matching the method and the normalized path. */
export function matchRoute(
  routes: readonly CompiledRoute[],
  method: string,
  path: string,
): CompiledRoute | undefined {
  const m = method.toUpperCase();
  for (const r of routes) {
    const methodOk = r.method === '*' || r.method === m || (r.method === 'GET' && m === 'HEAD');
    if (methodOk && r.regex.test(path)) return r;
  }
  return undefined;
}
