import type http from 'node:http';
import { serve } from '@hono/node-server';
import { authenticateRequest } from '../../src/index.js';
import { adapterSuite, listening } from '../helpers/adapter-cases.js';

// A plain fetch handler `(Request) => Promise<Response>`, served by @hono/node-server without Hono itself.
adapterSuite('fetch API adapter', async (guard) => {
  const handler = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    const options =
      path === '/orders'
        ? { scopes: ['orders:read'] }
        : path === '/admin'
          ? { scopes: ['admin'] }
          : { authRequired: false };
    const auth = await authenticateRequest(guard, request, options);
    if (auth instanceof Response) return auth;
    if (path === '/optional') return Response.json(auth ? { subject: auth.subject } : { anonymous: true });
    return Response.json(auth);
  };
  const server = await new Promise<http.Server>((resolve) => {
    const s = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }, () => resolve(s as http.Server));
  });
  return listening(server);
});
