/**
 * A minimal orders API on Express 5, protected by @signet/guard.
 * Run: ISSUER=http://127.0.0.1:8080 AUDIENCE=https://orders.example PORT=3000 npx tsx examples/express/server.ts
 */
import express from 'express';
import { type Auth, createGuard, expressAuth } from '@signet/guard';

declare global {
  namespace Express {
    interface Request {
      auth?: Auth;
    }
  }
}

const guard = createGuard({
  issuer: process.env.ISSUER ?? 'http://localhost:8080',
  audience: process.env.AUDIENCE ?? 'https://orders.example',
});

const app = express();
app.get('/orders', expressAuth(guard, { scopes: ['orders:read'] }), (req, res) => {
  res.json({ orders: [{ id: 1, item: 'coffee' }], client: req.auth?.clientId });
});
app.post('/orders', expressAuth(guard, { scopes: ['orders:write'] }), (req, res) => {
  res.status(201).json({ id: 2, client: req.auth?.clientId });
});

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : ''}`);
});
