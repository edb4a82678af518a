import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Auth } from '../types.js';

/** RFC 9110 §7.6.1 hop-by-hop fields, plus the legacy ones proxies still see. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Makes a claim usable as a header value: printable ASCII passes as it is; anything else (non-ASCII names,
 * and CR/LF that would split the header) is percent-encoded as UTF-8.
 */
export function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}

/**
 * The identity headers for the upstream or the forward-auth answer. `X-Auth-Jti` is empty when the token has
 * no `jti`: a proxy that copies the answer's headers then still overwrites (nginx: drops) a client-sent one.
 */
export function identityHeaders(auth: Auth, withClaims: boolean): Record<string, string> {
  const h: Record<string, string> = {
    'x-auth-subject': headerSafe(auth.subject),
    'x-auth-client-id': headerSafe(auth.clientId),
    'x-auth-scope': headerSafe(auth.scopes.join(' ')),
    'x-auth-jti': headerSafe(auth.jti ?? ''),
  };
  if (withClaims) h['x-auth-claims'] = Buffer.from(JSON.stringify(auth.claims)).toString('base64url');
  return h;
}

/** Drops hop-by-hop fields, including the ones the `Connection` header names (RFC 9110 §7.6.1). */
function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set<string>();
  const connection = headers.connection;
  if (typeof connection === 'string') {
    for (const t of connection.split(',')) named.add(t.trim().toLowerCase());
  }
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * Request headers for the upstream: hop-by-hop fields removed, every client-sent `X-Auth-*` removed (a client
 * must not be able to claim an identity), identity headers added, `X-Forwarded-*` appended.
 */
export function upstreamRequestHeaders(
  headers: IncomingHttpHeaders,
  auth: Auth | undefined,
  withClaims: boolean,
  remoteAddress: string | undefined,
  upstreamHost: string,
): OutgoingHttpHeaders {
  const out = withoutHopByHop(headers);
  for (const name of Object.keys(out)) if (name.startsWith('x-auth-')) delete out[name];
  if (auth !== undefined) Object.assign(out, identityHeaders(auth, withClaims));
  const prior = headers['x-forwarded-for'];
  const client = remoteAddress ?? 'unknown';
  out['x-forwarded-for'] = typeof prior === 'string' && prior !== '' ? `${prior}, ${client}` : client;
  if (headers.host !== undefined) out['x-forwarded-host'] = headers.host;
  out['x-forwarded-proto'] = 'http';
  out.host = upstreamHost;
  return out;
}

/** Response headers for the client: hop-by-hop fields removed. */
export function clientResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return withoutHopByHop(headers);
}
