import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { freePort, realClock, startTestServer, type TestServer } from '../helpers/server.js';

/** A real OAuth client nobody here wrote (openid-client) against a listening server on loopback. */
describe('interoperability with openid-client', () => {
  let t: TestServer;
  let issuer: string;
  before(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await startTestServer({ port, issuer }, { clock: realClock() });
    await t.server.listen();
  });
  after(() => t.close());

  async function verify(token: string, audience: string) {
    const meta = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as {
      jwks_uri: string;
    };
    const jwks = createRemoteJWKSet(new URL(meta.jwks_uri));
    return jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt', algorithms: ['ES256'] });
  }

  for (const algorithm of ['oidc', 'oauth2'] as const) {
    it(`discovers (${algorithm}) and gets a token with client_secret_basic and client_secret_post`, async () => {
      const c = await t.createClient({
        name: 's1',
        scopes: ['orders:read', 'orders:write'],
        audiences: ['https://s2.example'],
      });
      for (const auth of [
        oidc.ClientSecretBasic(c.client_secret!),
        oidc.ClientSecretPost(c.client_secret!),
      ]) {
        const config = await oidc.discovery(new URL(issuer), c.client.client_id, undefined, auth, {
          execute: [oidc.allowInsecureRequests],
          algorithm,
        });
        assert.equal(config.serverMetadata().token_endpoint, `${issuer}/token`);
        const tokens = await oidc.clientCredentialsGrant(config, {
          scope: 'orders:read',
          resource: 'https://s2.example',
        });
        assert.equal(tokens.token_type, 'bearer');
        assert.equal(tokens.scope, 'orders:read');
        const { payload } = await verify(tokens.access_token, 'https://s2.example');
        assert.equal(payload.client_id, c.client.client_id);
        assert.equal(payload.scope, 'orders:read');
      }
    });
  }

  it('gets a token with private_key_jwt', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'pk1', alg: 'ES256' };
    const c = await t.createClient({ name: 'pk', audiences: ['https://s2.example'], jwks: { keys: [jwk] } });
    const config = await oidc.discovery(
      new URL(issuer),
      c.client.client_id,
      undefined,
      oidc.PrivateKeyJwt({ key: privateKey, kid: 'pk1' }),
      { execute: [oidc.allowInsecureRequests] },
    );
    const tokens = await oidc.clientCredentialsGrant(config);
    const { payload } = await verify(tokens.access_token, 'https://s2.example');
    assert.equal(payload.sub, c.client.client_id);
  });

  it('surfaces RFC 6749 errors to the client', async () => {
    const c = await t.createClient({ name: 's', scopes: ['a'], audiences: ['https://s2.example'] });
    const config = await oidc.discovery(new URL(issuer), c.client.client_id, c.client_secret!, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    await assert.rejects(
      oidc.clientCredentialsGrant(config, { scope: 'b' }),
      (e: { error?: string }) => e.error === 'invalid_scope',
    );
    const wrong = await oidc.discovery(new URL(issuer), c.client.client_id, 'wrong-secret', undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    await assert.rejects(
      oidc.clientCredentialsGrant(wrong),
      (e: { error?: string }) => e.error === 'invalid_client',
    );
  });
});
