import { after, before, describe } from 'node:test';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { type Auth, createGuard, fastifyGuard } from '../../src/index.js';
import { adapterCases } from '../helpers/adapter-cases.js';
import { AUDIENCE, type FixtureIssuer, startIssuer } from '../helpers/issuer.js';

describe('Fastify 5 plugin', () => {
  let iss: FixtureIssuer;
  let app: FastifyInstance;
  let base = '';
  before(async () => {
    iss = await startIssuer();
    const guard = createGuard({ issuer: iss.issuer, audience: AUDIENCE });
    app = Fastify();
    await app.register(fastifyGuard(guard));
    const authOf = (req: FastifyRequest) => (req as FastifyRequest & { auth?: Auth }).auth;
    app.get('/orders', { config: { auth: { scopes: ['orders:read'] } } }, async (req) => authOf(req));
    app.get('/admin', { config: { auth: { scopes: ['admin'] } } }, async () => 'admin');
    app.get('/optional', { config: { auth: { authRequired: false } } }, async (req) => {
      const auth = authOf(req);
      return auth ? { subject: auth.subject } : { anonymous: true };
    });
    app.get('/public', { config: { auth: false } }, async () => ({ public: true }));
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await app.close();
    await iss.close();
  });
  adapterCases(
    () => base,
    () => iss,
  );
});
