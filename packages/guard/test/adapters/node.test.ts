import http from 'node:http';
import { authenticateNode, nodeHandler } from '../../src/index.js';
import { adapterSuite, listening } from '../helpers/adapter-cases.js';

adapterSuite('Node http adapter', async (guard) => {
  const orders = nodeHandler(guard, (_req, res, auth) => res.end(JSON.stringify(auth)), {
    scopes: ['orders:read'],
  });
  const optional = nodeHandler(
    guard,
    (_req, res, auth) => res.end(JSON.stringify(auth ? { subject: auth.subject } : { anonymous: true })),
    { authRequired: false },
  );
  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/orders') return orders(req, res);
    if (path === '/optional') return optional(req, res);
    const auth = await authenticateNode(guard, req, res, { scopes: ['admin'] });
    if (auth) res.end('admin');
  });
  return listening(server);
});
