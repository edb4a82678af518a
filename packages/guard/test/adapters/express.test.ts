import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe } from 'node:test';
import express from 'express';
import { type Auth, createGuard, expressAuth, requiredScopes } from '../../src/index.js';
import { adapterCases } from '../helpers/adapter-cases.js';
import { AUDIENCE, type FixtureIssuer, startIssuer } from '../helpers/issuer.js';

describe('Express 5 adapter', () => {
  let iss: FixtureIssuer;
  let server: http.Server;
  let base = '';
  before(async () => {
    iss = await startIssuer();
    const guard = createGuard({ issuer: iss.issuer, audience: AUDIENCE });
    const app = express();
    const authOf = (req: express.Request) => (req as express.Request & { auth?: Auth }).auth;
    app.get('/orders', expressAuth(guard, { scopes: ['orders:read'] }), (req, res) => {
      const auth = authOf(req)!;
      res.json({ ...auth, header: auth.header, payload: auth.payload, token: auth.token });
    });
    app.get('/admin', expressAuth(guard, { require: [requiredScopes('admin')] }), (_req, res) => {
      res.send('admin');
    });
    app.get('/optional', expressAuth(guard, { authRequired: false }), (req, res) => {
      const auth = authOf(req);
      res.json(auth ? { subject: auth.subject } : { anonymous: true });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await iss.close();
  });
  adapterCases(
    () => base,
    () => iss,
  );
});
