import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { startTestServer, type TestServer } from '../helpers/server.js';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('private_key_jwt (RFC 7523)', () => {
  let t: TestServer;
  let key: PrivateKey;
  let other: PrivateKey;
  let jwk: Record<string, unknown>;
  let id: string;
  let jwksServer: Server;
  let jwksUrl: string;
  let fetches = 0;

  before(async () => {
    t = await startTestServer();
    ({ privateKey: key } = await generateKeyPair('ES256'));
    const pair = await generateKeyPair('ES256', { extractable: true });
    ({ privateKey: other } = await generateKeyPair('ES256'));
    key = pair.privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
    const c = await t.createClient({
      name: 'pk',
      audiences: ['https://s2'],
      scopes: ['a'],
      jwks: { keys: [jwk] },
    });
    assert.equal(c.client_secret, undefined);
    assert.equal(c.client.token_endpoint_auth_method, 'private_key_jwt');
    id = c.client.client_id;
    jwksServer = createServer((_req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`;
  });
  after(async () => {
    await t.close();
    jwksServer.close();
  });

  const now = () => Math.floor(t.clock.now() / 1000);
  function assertion(claims: Record<string, unknown> = {}, signWith = key, clientId = id, exp = now() + 60) {
    return new SignJWT({ jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience((claims['aud'] as string) ?? 'http://localhost:8080/token')
      .setIssuedAt(now())
      .setExpirationTime(exp)
      .sign(signWith);
  }
  const grant = (client_assertion: string, extra: Record<string, string> = {}) =>
    t.token({ grant_type: 'client_credentials', client_assertion_type: TYPE, client_assertion, ...extra });

  it('issues a token for a valid assertion (aud = token endpoint or issuer)', async () => {
    const res = await grant(await assertion());
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await grant(await assertion({ aud: 'http://localhost:8080' }))).status, 200);
    assert.equal((await grant(await assertion(), { client_id: id })).status, 200);
  });

  it('refuses a replayed assertion', async () => {
    const a = await assertion();
    assert.equal((await grant(a)).status, 200);
    const again = await grant(a);
    assert.equal(again.status, 401);
    assert.equal(again.body.error, 'invalid_client');
  });

  it('refuses wrong aud, far exp, missing jti, wrong key, unknown client, mismatched client_id', async () => {
    const bad = [
      await assertion({ aud: 'https://elsewhere' }),
      await new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(id)
        .setSubject(id)
        .setAudience('http://localhost:8080/token')
        .setExpirationTime(now() + 3600)
        .sign(key),
      await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(id)
        .setSubject(id)
        .setAudience('http://localhost:8080/token')
        .setExpirationTime(now() + 60)
        .sign(key),
      await assertion({}, other),
      await assertion({}, key, 'unknown-client'),
      await assertion({}, key, id, now() - 120),
    ];
    for (const a of bad) {
      const res = await grant(a);
      assert.equal(res.status, 401, JSON.stringify(res.body));
      assert.equal(res.body.error, 'invalid_client');
    }
    const mismatch = await grant(await assertion(), { client_id: 'someone-else' });
    assert.equal(mismatch.status, 401);
    assert.equal((await grant('not-a-jwt')).status, 401);
    const wrongType = await t.token({
      grant_type: 'client_credentials',
      client_assertion_type: 'x',
      client_assertion: 'y',
    });
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.body.error, 'invalid_request');
  });

  it('verifies against a registered JWKS URL', async () => {
    const c = await t.createClient({ name: 'pk-uri', audiences: ['https://s2'], jwksUri: jwksUrl });
    const res = await grant(await assertion({}, key, c.client.client_id));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(fetches, 1);
    assert.equal((await grant(await assertion({}, key, c.client.client_id))).status, 200);
    assert.equal(fetches, 1, 'the key set is cached');
  });

  it('admin refuses private keys in a registered JWKS and inconsistent settings', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const priv = await exportJWK(privateKey);
    const r1 = await t.admin('POST', '/admin/clients', { name: 'x', jwks: { keys: [priv] } });
    assert.equal(r1.status, 400);
    const r2 = await t.admin('POST', '/admin/clients', { name: 'x', authMethod: 'private_key_jwt' });
    assert.equal(r2.status, 400);
    const r3 = await t.admin('POST', '/admin/clients', {
      name: 'x',
      jwks: { keys: [jwk] },
      jwksUri: jwksUrl,
    });
    assert.equal(r3.status, 400);
  });
});
