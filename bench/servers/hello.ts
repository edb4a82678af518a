/**
 * A Fastify hello-world (`GET /hello` → `{"hello":"world"}`) behind one kind of authentication, as a
 * load-test target of `bench/guard.ts`:
 *
 * - `none`: no authentication (the upper bound, and the upstream of the gateway case);
 * - `guard`: `@signet/guard`'s Fastify plugin (discovery, remote JWKS, RFC 9068 checks), no cache;
 * - `guard-cache`: the same with the verified-token cache on;
 * - `fastify-jwt`: @fastify/jwt with get-jwks, as their READMEs show for a JWKS URL (what Fastify users
 *   run today), checking `iss` and `aud` too;
 * - `fastify-jwt-memo`: the same with the PEM conversion of the key memoized per `kid`.
 *
 * Environment: `MODE`, `ISSUER`, `AUDIENCE`, `PORT`.
 */
import fastifyJwt, { type TokenOrHeader } from '@fastify/jwt';
import { createGuard, fastifyGuard } from '@signet/guard';
import Fastify from 'fastify';
import buildGetJwks from 'get-jwks';
import { envInt, envString, onStop, serve } from './child.js';

await serve(['PORT'], async () => {
  const mode = process.env.MODE ?? 'none';
  const app = Fastify({ logger: false });
  if (mode === 'guard' || mode === 'guard-cache') {
    const guard = createGuard({
      issuer: envString('ISSUER'),
      audience: envString('AUDIENCE'),
      cache: mode === 'guard-cache',
    });
    await guard.ready();
    await app.register(fastifyGuard(guard));
  } else if (mode === 'fastify-jwt' || mode === 'fastify-jwt-memo') {
    const issuer = envString('ISSUER');
    const getJwks = buildGetJwks({ issuersWhitelist: [issuer] });
    // get-jwks converts the JWK to PEM (jwk-to-pem, pure JavaScript) on every call; the `-memo` variant
    // keeps the PEM per kid, to show @fastify/jwt's own cost apart from that conversion.
    const pems = new Map<string, Promise<string>>();
    const fetchKey = (kid: string, alg: string, domain: string) => getJwks.getPublicKey({ kid, alg, domain });
    const secret = async (_request: unknown, decoded: TokenOrHeader): Promise<string> => {
      const { header, payload } = decoded as {
        header: { kid: string; alg: string };
        payload: { iss: string };
      };
      if (mode === 'fastify-jwt') return fetchKey(header.kid, header.alg, payload.iss);
      let pem = pems.get(header.kid);
      if (pem === undefined) {
        pem = fetchKey(header.kid, header.alg, payload.iss);
        pems.set(header.kid, pem);
      }
      return pem;
    };
    await app.register(fastifyJwt, {
      decode: { complete: true },
      secret,
      verify: { allowedIss: issuer, allowedAud: envString('AUDIENCE'), algorithms: ['ES256'] },
    });
    app.addHook('onRequest', async (request) => {
      await request.jwtVerify();
    });
  } else if (mode !== 'none') {
    throw new Error(`unknown MODE ${mode}`);
  }
  app.get('/hello', async () => ({ hello: 'world' }));
  const url = await app.listen({ port: envInt('PORT', 0), host: '127.0.0.1' });
  onStop(() => app.close());
  return { url, mode, pid: process.pid };
});
