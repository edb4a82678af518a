import type { AddressInfo } from 'node:net';
import { after, before, describe } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { createGuard, type GuardVariables, honoAuth } from '../../src/index.js';
import { adapterCases } from '../helpers/adapter-cases.js';
import { AUDIENCE, type FixtureIssuer, startIssuer } from '../helpers/issuer.js';

describe('Hono adapter', () => {
  let iss: FixtureIssuer;
  let server: ServerType;
  let base = '';
  before(async () => {
    iss = await startIssuer();
    const guard = createGuard({ issuer: iss.issuer, audience: AUDIENCE });
    const app = new Hono<{ Variables: GuardVariables }>();
    app.get('/orders', honoAuth(guard, { scopes: ['orders:read'] }), (c) => c.json(c.get('auth')));
    app.get('/admin', honoAuth(guard, { scopes: ['admin'] }), (c) => c.text('admin'));
    app.get('/optional', honoAuth(guard, { authRequired: false }), (c) => {
      const auth = c.get('auth');
      return c.json(auth ? { subject: auth.subject } : { anonymous: true });
    });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    await iss.close();
  });
  adapterCases(
    () => base,
    () => iss,
  );
});
