import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe } from 'node:test';
import { authenticateNode, createGuard, type Guard, nodeHandler } from '../../src/index.js';
import { adapterCases } from '../helpers/adapter-cases.js';
import { AUDIENCE, type FixtureIssuer, startIssuer } from '../helpers/issuer.js';

describe('Node http adapter', () => {
  let iss: FixtureIssuer;
  let server: http.Server;
  let base = '';
  before(async () => {
    iss = await startIssuer();
    const guard: Guard = createGuard({ issuer: iss.issuer, audience: AUDIENCE });
    const orders = nodeHandler(guard, (_req, res, auth) => res.end(JSON.stringify(auth)), {
      scopes: ['orders:read'],
    });
    const optional = nodeHandler(
      guard,
      (_req, res, auth) => res.end(JSON.stringify(auth ? { subject: auth.subject } : { anonymous: true })),
      { authRequired: false },
    );
    server = http.createServer(async (req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/orders') return orders(req, res);
      if (path === '/optional') return optional(req, res);
      const auth = await authenticateNode(guard, req, res, { scopes: ['admin'] });
      if (auth) res.end('admin');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
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
