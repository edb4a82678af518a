import type http from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type GuardVariables, honoAuth } from '../../src/index.js';
import { adapterSuite, listening } from '../helpers/adapter-cases.js';

adapterSuite('Hono adapter', async (guard) => {
  const app = new Hono<{ Variables: GuardVariables }>();
  app.get('/orders', honoAuth(guard, { scopes: ['orders:read'] }), (c) => c.json(c.get('auth')));
  app.get('/admin', honoAuth(guard, { scopes: ['admin'] }), (c) => c.text('admin'));
  app.get('/optional', honoAuth(guard, { authRequired: false }), (c) => {
    const auth = c.get('auth');
    return c.json(auth ? { subject: auth.subject } : { anonymous: true });
  });
  const server = await new Promise<http.Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as http.Server));
  });
  return listening(server);
});
