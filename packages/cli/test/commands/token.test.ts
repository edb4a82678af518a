import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportJwk, generateKeyPair } from '@signet/jose';
import { cli } from '../helpers.js';
import { AUDIENCE, createClient, startServer, type TestServer, token } from '../server.js';

describe('signet token (discovery + client_credentials against a real in-process server)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('token: a token that jwt verify accepts against the JWKS; scope narrowing; wrong secret exits 1', async () => {
    const c = await createClient(server);
    const t = await token(server, c.id, c.secret, ['--scope', 'orders:read', '--audience', AUDIENCE]);
    assert.equal(t.code, 0, t.stderr);
    const v = await cli([
      'jwt',
      'verify',
      t.stdout.trim(),
      '--jwks',
      `${server.issuer}/.well-known/jwks.json`,
      '--issuer',
      server.issuer,
      '--audience',
      AUDIENCE,
      '--alg',
      'ES256',
      '--format',
      'json',
    ]);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(JSON.parse(v.stdout).payload.scope, 'orders:read');
    const discovered = await cli([
      'jwt',
      'verify',
      t.stdout.trim(),
      '--issuer',
      server.issuer,
      '--audience',
      AUDIENCE,
      '--alg',
      'ES256',
    ]);
    assert.equal(discovered.code, 0, `jwks_uri discovered from --issuer: ${discovered.stderr}`);
    const wide = await token(server, c.id, c.secret, ['--scope', 'admin:all']);
    assert.equal(wide.code, 1);
    assert.match(wide.stderr, /invalid_scope/);
    const bad = await token(server, c.id, 'not-the-secret');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid_client/);
  });

  it('token: client_secret_post, secret from a file; missing secret or id is a usage error', async () => {
    const c = await createClient(server);
    const file = join(server.dir, 'secret.txt');
    writeFileSync(file, `${c.secret}\n`);
    const r = await cli([
      'token',
      '--issuer',
      server.issuer,
      '--client-id',
      c.id,
      '--client-secret-file',
      file,
      '--auth',
      'post',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await cli(['token', '--issuer', server.issuer, '--client-id', c.id])).code, 2);
    assert.equal(
      (await cli(['token', '--issuer', server.issuer], { env: { SIGNET_CLIENT_SECRET: 'x' } })).code,
      2,
    );
    const both = await cli([
      'token',
      '--issuer',
      server.issuer,
      '--client-id',
      c.id,
      '--client-secret-file',
      file,
      '--client-secret',
      'x',
    ]);
    assert.equal(both.code, 2);
  });

  it('token: discovery refuses metadata for another issuer', async () => {
    const c = await createClient(server);
    const r = await token(server, c.id, c.secret, [
      '--issuer',
      server.issuer.replace('127.0.0.1', 'localhost'),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /names issuer/);
  });

  it('private_key_jwt: a client registered with --jwks gets no secret and gets tokens with signet token --private-key', async () => {
    const pair = generateKeyPair('ES256', { kid: 'pk1' });
    const priv = join(server.dir, 'pk1.json');
    const pub = join(server.dir, 'pk1.jwks.json');
    writeFileSync(priv, JSON.stringify(exportJwk(pair.privateKey, { private: true })));
    writeFileSync(pub, JSON.stringify({ keys: [exportJwk(pair.publicKey)] }));
    const r = await cli([
      'clients',
      'create',
      '--name',
      'pk',
      '--jwks',
      pub,
      '--audience',
      AUDIENCE,
      ...server.admin,
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      client: { client_id: string; token_endpoint_auth_method: string };
      client_secret?: string;
    };
    assert.equal(out.client.token_endpoint_auth_method, 'private_key_jwt');
    assert.equal(out.client_secret, undefined);
    const id = out.client.client_id;
    const t = await cli([
      'token',
      '--issuer',
      server.issuer,
      '--client-id',
      id,
      '--private-key',
      priv,
      '--format',
      'json',
    ]);
    assert.equal(t.code, 0, t.stderr);
    assert.match((JSON.parse(t.stdout) as { access_token: string }).access_token, /^ey/);
    const other = join(server.dir, 'other.json');
    writeFileSync(
      other,
      JSON.stringify(exportJwk(generateKeyPair('ES256', { kid: 'pk1' }).privateKey, { private: true })),
    );
    const refused = await cli([
      'token',
      '--issuer',
      server.issuer,
      '--client-id',
      id,
      '--private-key',
      other,
    ]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /invalid_client/);
    const both = await cli([
      'token',
      '--issuer',
      server.issuer,
      '--client-id',
      id,
      '--private-key',
      priv,
      '--client-secret',
      'x',
    ]);
    assert.equal(both.code, 2);
  });
});
