import assert from 'node:assert/strict';
import { it } from 'node:test';
import express from 'express';
import {
  type Auth,
  createGuard,
  expressAuth,
  type Guard,
  GuardError,
  requiredScopes,
} from '../../src/index.js';
import { adapterSuite, listening } from '../helpers/adapter-cases.js';
import { call } from '../helpers/http.js';

const authOf = (req: express.Request) => (req as express.Request & { auth?: Auth }).auth;

const mountExpress = async (guard: Guard) => {
  const app = express();
  app.get('/orders', expressAuth(guard, { scopes: ['orders:read'] }), (req, res) => {
    res.json(authOf(req));
  });
  app.get('/admin', expressAuth(guard, { require: [requiredScopes('admin')] }), (_req, res) => {
    res.send('admin');
  });
  app.get('/optional', expressAuth(guard, { authRequired: false }), (req, res) => {
    const auth = authOf(req);
    res.json(auth ? { subject: auth.subject } : { anonymous: true });
  });
  return listening(app.listen(0, '127.0.0.1'));
};

adapterSuite('Express 5 adapter', mountExpress);
adapterSuite('Express 5 adapter, verified-token cache on', mountExpress, { cache: true });

it('Express: onError "next" hands the GuardError to the error handler', async () => {
  const guard = createGuard({ issuer: 'http://127.0.0.1:1', audience: 'a' });
  const app = express();
  app.get('/x', expressAuth(guard, { onError: 'next' }), (_req, res) => {
    res.send('no');
  });
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    assert.ok(err instanceof GuardError);
    res
      .status(err.status)
      .set(err.headers)
      .json({ custom: true, ...err.body });
  });
  const server = await listening(app.listen(0, '127.0.0.1'));
  try {
    const r = await call(`${server.base}/x`);
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], 'Bearer realm="api"');
    assert.equal((r.json() as { custom: boolean }).custom, true);
  } finally {
    await server.close();
  }
});
