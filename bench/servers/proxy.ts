/**
 * A reverse proxy in front of `UPSTREAM`, as a load-test target of `bench/guard.ts`:
 *
 * - `gateway`: `createGateway` of `@signet/guard` in proxy mode (verifies, strips and adds `X-Auth-*`);
 * - `gateway-cache`: the same with the guard's verified-token cache on;
 * - `http-proxy`: a plain Fastify + @fastify/http-proxy, no authentication (the overhead baseline).
 *
 * Environment: `MODE`, `UPSTREAM`, `ISSUER`, `AUDIENCE`, `PORT`.
 */
import proxy from '@fastify/http-proxy';
import { createGateway, createGuard } from '@signet/guard';
import Fastify from 'fastify';
import { envInt, envString, onStop, serve } from './child.js';

await serve(['PORT'], async () => {
  const mode = process.env.MODE ?? 'gateway';
  const upstream = envString('UPSTREAM');
  if (mode === 'http-proxy') {
    const app = Fastify({ logger: false });
    await app.register(proxy, { upstream, prefix: '/' });
    const url = await app.listen({ port: envInt('PORT', 0), host: '127.0.0.1' });
    onStop(() => app.close());
    return { url, mode, pid: process.pid };
  }
  if (mode !== 'gateway' && mode !== 'gateway-cache') throw new Error(`unknown MODE ${mode}`);
  const guard = createGuard({
    issuer: envString('ISSUER'),
    audience: envString('AUDIENCE'),
    cache: mode === 'gateway-cache',
  });
  await guard.ready();
  const gateway = createGateway({ guard, upstream, mode: 'proxy', port: envInt('PORT', 0) });
  const { url } = await gateway.listen();
  onStop(() => gateway.close());
  return { url, mode, pid: process.pid };
});
