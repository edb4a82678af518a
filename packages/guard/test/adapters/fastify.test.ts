import Fastify, { type FastifyRequest } from 'fastify';
import { type Auth, fastifyGuard, type Guard } from '../../src/index.js';
import { adapterSuite } from '../helpers/adapter-cases.js';

const mountFastify = async (guard: Guard) => {
  const app = Fastify();
  await app.register(fastifyGuard(guard));
  const authOf = (req: FastifyRequest) => (req as FastifyRequest & { auth?: Auth }).auth;
  app.get('/orders', { config: { auth: { scopes: ['orders:read'] } } }, async (req) => authOf(req));
  app.get('/admin', { config: { auth: { scopes: ['admin'] } } }, async () => 'admin');
  app.get('/optional', { config: { auth: { authRequired: false } } }, async (req) => {
    const auth = authOf(req);
    return auth ? { subject: auth.subject } : { anonymous: true };
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { base, close: () => app.close() };
};

adapterSuite('Fastify 5 plugin', mountFastify);
// With the cache on, a repeated token is answered without a promise (the synchronous hook path).
adapterSuite('Fastify 5 plugin, verified-token cache on', mountFastify, { cache: true });
