/**
 * S2: an orders API. It verifies every token locally with @signet/guard (keys from the Auth service's
 * JWKS, no call per request) and, when feed credentials are given, applies the revocation feed.
 *
 * Env: ISSUER, AUDIENCE, PORT, and optionally FEED_CLIENT_ID + FEED_CLIENT_SECRET.
 */
import http from 'node:http';
import { createGuard, nodeHandler } from '@signet/guard';
import { feedFromEnv } from './feed.js';

const issuer = process.env.ISSUER ?? 'http://localhost:8080';
const feed = await feedFromEnv(issuer);
const guard = createGuard({
  issuer,
  audience: process.env.AUDIENCE ?? 'https://s2.example',
  // Short cooldown so a rotated key is picked up quickly in the demo.
  jwks: { cooldown: 1000 },
  ...feed,
});

const orders = [{ id: 1, item: 'coffee', qty: 2 }];

const read = nodeHandler(
  guard,
  (_req, res, auth) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ orders, client: auth?.clientId }));
  },
  { scopes: ['orders:read'] },
);

const write = nodeHandler(
  guard,
  (_req, res, auth) => {
    res.statusCode = 201;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ id: orders.length + 1, client: auth?.clientId }));
  },
  { scopes: ['orders:write'] },
);

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(guard.health()));
  } else if (req.url === '/orders' && req.method === 'GET') void read(req, res);
  else if (req.url === '/orders' && req.method === 'POST') void write(req, res);
  else {
    res.statusCode = 404;
    res.end();
  }
});

await guard.ready();
server.listen(Number(process.env.PORT ?? 3001), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : ''}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
