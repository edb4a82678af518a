/**
 * A minimal orders API on Hono (Node adapter), protected by @signet/guard.
 * Run: ISSUER=http://127.0.0.1:8080 AUDIENCE=https://orders.example PORT=3000 npx tsx examples/hono/server.ts
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createGuard, type GuardVariables, honoAuth } from '@signet/guard';

const guard = createGuard({
  issuer: process.env.ISSUER ?? 'http://localhost:8080',
  audience: process.env.AUDIENCE ?? 'https://orders.example',
});

const app = new Hono<{ Variables: GuardVariables }>();
app.get('/orders', honoAuth(guard, { scopes: ['orders:read'] }), (c) =>
  c.json({ orders: [{ id: 1, item: 'coffee' }], client: c.get('auth')?.clientId }),
);
app.post('/orders', honoAuth(guard, { scopes: ['orders:write'] }), (c) =>
  c.json({ id: 2, client: c.get('auth')?.clientId }, 201),
);

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
