/**
 * The practical limit of the obvious design: a Fastify endpoint that parses the form, checks the Basic
 * secret (SHA-256, constant-time compare) and signs an ES256 RFC 9068 token with `@signet/jose`. No
 * audit, metrics, rate limiting, scope narrowing or key rotation.
 *
 * Environment: `CLIENT_ID`, `CLIENT_SECRET`, `AUDIENCE`, `SCOPE`, `ISSUER`, `PORT`, `WORKERS`; `NOSIGN=1` answers
 * a token signed once at start instead of signing per request (the difference is what signing costs inside
 * a server).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import formbody from '@fastify/formbody';
import { createSigner, generateKeyPair } from '@signet/jose';
import Fastify from 'fastify';
import { envInt, envString, onStop, serve } from './child.js';

await serve(['PORT'], async () => {
  const clientId = envString('CLIENT_ID');
  const digest = createHash('sha256').update(envString('CLIENT_SECRET')).digest();
  const audience = envString('AUDIENCE');
  const scope = envString('SCOPE');
  const { privateKey } = generateKeyPair('ES256');
  const sign = createSigner(privateKey, {
    typ: 'at+jwt',
    issuer: process.env.ISSUER ?? 'http://127.0.0.1',
    expiresIn: 300,
  });

  const noSign = process.env.NOSIGN === '1';
  const fixed = sign({ sub: clientId, aud: audience, client_id: clientId, scope, jti: 'fixed' });
  const app = Fastify({ logger: false });
  await app.register(formbody);
  app.post('/token', async (request, reply) => {
    const body = request.body as Record<string, string | undefined>;
    const header = request.headers.authorization ?? '';
    if (body.grant_type !== 'client_credentials' || !header.startsWith('Basic ')) {
      return reply.code(400).send({ error: 'invalid_request' });
    }
    const text = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = text.indexOf(':');
    const id = decodeURIComponent(text.slice(0, colon));
    const secret = decodeURIComponent(text.slice(colon + 1));
    const given = createHash('sha256').update(secret).digest();
    if (colon < 0 || id !== clientId || !timingSafeEqual(given, digest)) {
      return reply.code(401).send({ error: 'invalid_client' });
    }
    const jti = randomBytes(12).toString('base64url');
    const token = noSign ? fixed : sign({ sub: id, aud: audience, client_id: id, scope, jti });
    reply.header('cache-control', 'no-store');
    return { access_token: token, token_type: 'Bearer', expires_in: 300, scope };
  });
  const url = await app.listen({ port: envInt('PORT', 0), host: '127.0.0.1' });
  onStop(() => app.close());
  return { url, pid: process.pid };
});
