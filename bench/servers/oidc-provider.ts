/**
 * node-oidc-provider (dev-dependency, 8.8.1) as a load-test peer: client_credentials with
 * `client_secret_basic`, JWT access tokens signed with ES256 through the resource indicators feature
 * (`accessTokenFormat: 'jwt'`), the in-memory adapter, one client.
 *
 * Environment: `CLIENT_ID`, `CLIENT_SECRET`, `AUDIENCE`, `SCOPE` (space-separated), `ISSUER`, `PORT`.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { envInt, envString, onStop, serve } from './child.js';

await serve(['PORT'], async () => {
  const audience = envString('AUDIENCE');
  const scope = envString('SCOPE');
  // Encoded by the generation and imported afresh: a JWK export of a KeyObject straight from
  // generateKeyPairSync can deadlock on Node 20 (see @signet/jose generateKeyPair).
  const pkcs8 = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  }).privateKey;
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid: 'bench-es256' };
  const provider = new Provider(process.env.ISSUER ?? 'http://127.0.0.1', {
    clients: [
      {
        client_id: envString('CLIENT_ID'),
        client_secret: envString('CLIENT_SECRET'),
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        // The keystore holds only the ES256 key, so the client's default RS256 metadata is refused.
        id_token_signed_response_alg: 'ES256',
        scope,
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['bench-cookie-key-not-a-secret'] },
    scopes: scope.split(' '),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope,
          audience,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  const server = http.createServer(provider.callback());
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(envInt('PORT', 0), '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  onStop(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${port}`, tokenPath: '/token', pid: process.pid };
});
