/**
 * S1: a client service. It proves who it is to the Auth service (client_credentials with its secret),
 * keeps the short-lived token until shortly before it expires, and calls S2 with it.
 * `GET /call?method=GET&path=/orders` makes S1 call S2 and answers `{ status, body }`.
 *
 * Env: ISSUER, CLIENT_ID, CLIENT_SECRET, AUDIENCE, SCOPE, S2_URL, PORT.
 */
import http from 'node:http';

const issuer = process.env.ISSUER ?? 'http://localhost:8080';
const clientId = process.env.CLIENT_ID ?? '';
const clientSecret = process.env.CLIENT_SECRET ?? '';
const s2 = process.env.S2_URL ?? 'http://127.0.0.1:3001';

const metadata = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as {
  token_endpoint: string;
};

let cached: { token: string; refreshAt: number } | undefined;

/** A token for S2, fetched again 30 s before it expires. */
async function token(): Promise<string> {
  if (cached && Date.now() < cached.refreshAt) return cached.token;
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString(
    'base64',
  );
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (process.env.AUDIENCE) body.set('audience', process.env.AUDIENCE);
  if (process.env.SCOPE) body.set('scope', process.env.SCOPE);
  const res = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const json = (await res.json()) as { access_token?: string; expires_in?: number; error?: string };
  if (!res.ok || !json.access_token)
    throw new Error(`token endpoint answered ${res.status} ${json.error ?? ''}`);
  cached = { token: json.access_token, refreshAt: Date.now() + ((json.expires_in ?? 60) - 30) * 1000 };
  return json.access_token;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://s1');
  res.setHeader('content-type', 'application/json');
  if (url.pathname === '/forget') {
    cached = undefined;
    res.end('{}');
    return;
  }
  if (url.pathname !== '/call') {
    res.statusCode = 404;
    res.end('{}');
    return;
  }
  try {
    const upstream = await fetch(`${s2}${url.searchParams.get('path') ?? '/orders'}`, {
      method: url.searchParams.get('method') ?? 'GET',
      headers: { authorization: `Bearer ${await token()}` },
    });
    res.end(JSON.stringify({ status: upstream.status, body: await upstream.text() }));
  } catch (err) {
    res.statusCode = 502;
    res.end(JSON.stringify({ error: (err as Error).message }));
  }
});

server.listen(Number(process.env.PORT ?? 3002), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : ''}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
