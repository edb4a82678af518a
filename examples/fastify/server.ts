/**
 * A minimal orders API on Fastify 5, protected by @signet/guard.
 * Run: ISSUER=http://127.0.0.1:8080 AUDIENCE=https://orders.example PORT=3000 npx tsx examples/fastify/server.ts
 */
import Fastify from 'fastify';
import { type Auth, createGuard, fastifyGuard } from '@signet/guard';

declare module 'fastify' {
  interface FastifyRequest {
    auth?: Auth;
  }
}

const guard = createGuard({
  issuer: process.env.ISSUER ?? 'http://localhost:8080',
  audience: process.env.AUDIENCE ?? 'https://orders.example',
});

const app = Fastify();
await app.register(fastifyGuard(guard));
app.get('/orders', { config: { auth: { scopes: ['orders:read'] } } }, async (req) => ({
  orders: [{ id: 1, item: 'coffee' }],
  client: req.auth?.clientId,
}));
app.post('/orders', { config: { auth: { scopes: ['orders:write'] } } }, async (req, reply) =>
  reply.code(201).send({ id: 2, client: req.auth?.clientId }),
);
app.get('/healthz', { config: { auth: false } }, async () => guard.health());

const url = await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
console.log(`listening on ${url}`);
