import type { AddressInfo } from 'node:net';
import { after, before, describe } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { authenticateRequest, createGuard } from '../../src/index.js';
import { adapterCases } from '../helpers/adapter-cases.js';
import { AUDIENCE, type FixtureIssuer, startIssuer } from '../helpers/issuer.js';

describe('fetch API adapter (served by @hono/node-server as a plain fetch handler)', () => {
  let iss: FixtureIssuer;
  let server: ServerType;
  let base = '';
  before(async () => {
    iss = await startIssuer();
    const guard = createGuard({ issuer: iss.issuer, audience: AUDIENCE });
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
    await new Promise<void>((resolve) => {
      server = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }, () => resolve());
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
