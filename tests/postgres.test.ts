/**
 * The end-to-end token flow on PostgreSQL, as on SQLite: a throwaway PostgreSQL cluster, `signet
 * migrate` and `signet serve --db postgres://…` as real processes, a client created with the CLI, a
 * token obtained through RFC 8414 discovery by two OAuth clients nobody here wrote (openid-client and
 * oauth4webapi) and verified by jose against the live JWKS; then `kill -9` and a restart on the same
 * database keep clients and keys.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as oracle from 'jose';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { AUDIENCE, clientCreateArgs } from '../packages/cli/test/args.js';
import { freePort, kill, type Running, runCli, startCli } from '../packages/cli/test/e2e/process.js';
import { type PostgresServer, startPostgres } from '../packages/server/test/helpers/postgres.js';

const READY = /listening on (\S+) \(admin (\S+)\)/;

test('signet serve on PostgreSQL: the token flow of the SQLite e2e suite', {
  timeout: 150_000,
}, async (t) => {
  let pg: PostgresServer | undefined;
  let server: Running | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'signet-pg-e2e-'));
  t.after(async () => {
    await kill(server);
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  pg = await startPostgres();
  const db = await pg.createDatabase();
  const data = join(dir, 'data');
  const port = await freePort();
  const adminPort = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const admin = ['--admin-url', `http://127.0.0.1:${adminPort}`, '--data', data];
  const serveArgs = ['serve', '--dev', '--data', data, '--port', String(port)];
  serveArgs.push('--admin-port', String(adminPort), '--issuer', issuer, '--db', db);

  await t.test('signet migrate status | up on an empty PostgreSQL database', async () => {
    const before = await runCli(['migrate', 'status', '--db', db, '--format', 'json']);
    assert.equal(before.code, 0, before.stderr);
    const pending = JSON.parse(before.stdout).pending as string[];
    assert.ok(pending.length > 0, 'an empty database has pending migrations');
    const up = await runCli(['migrate', 'up', '--db', db, '--format', 'json']);
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(JSON.parse(up.stdout).applied, pending);
    const after = await runCli(['migrate', 'status', '--db', db, '--format', 'json']);
    assert.deepEqual(JSON.parse(after.stdout).pending, []);
  });

  server = await startCli(serveArgs, READY, { timeoutMs: 45_000 });
  assert.equal(existsSync(join(data, 'signet.db')), false, 'no SQLite database beside PostgreSQL');
  const created = await runCli(clientCreateArgs(admin, ['--format', 'json']));
  assert.equal(created.code, 0, created.stderr);
  const out = JSON.parse(created.stdout) as { client: { client_id: string }; client_secret: string };
  const client = { id: out.client.client_id, secret: out.client_secret };
  const jwks = oracle.createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  const expected = { issuer, audience: AUDIENCE, typ: 'at+jwt', algorithms: ['ES256'] };

  await t.test('openid-client: discovery, client_credentials, verified by jose', async () => {
    const config = await oidc.discovery(
      new URL(issuer),
      client.id,
      undefined,
      oidc.ClientSecretBasic(client.secret),
      {
        execute: [oidc.allowInsecureRequests],
        algorithm: 'oauth2',
      },
    );
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'orders:read', audience: AUDIENCE });
    const { payload } = await oracle.jwtVerify(tokens.access_token, jwks, expected);
    assert.equal(payload.sub, client.id);
    assert.equal(payload.client_id, client.id);
    assert.equal(payload.scope, 'orders:read');
  });

  await t.test('oauth4webapi: discovery, client_credentials, errors per RFC 6749 §5.2', async () => {
    const insecure = { [oauth.allowInsecureRequests]: true };
    const as = await oauth.processDiscoveryResponse(
      new URL(issuer),
      await oauth.discoveryRequest(new URL(issuer), { algorithm: 'oauth2', ...insecure }),
    );
    const c: oauth.Client = { client_id: client.id };
    const res = await oauth.clientCredentialsGrantRequest(
      as,
      c,
      oauth.ClientSecretPost(client.secret),
      { scope: 'orders:write', resource: AUDIENCE },
      insecure,
    );
    const tokens = await oauth.processClientCredentialsResponse(as, c, res);
    assert.equal(tokens.token_type, 'bearer');
    const { payload } = await oracle.jwtVerify(tokens.access_token, jwks, expected);
    assert.equal(payload.scope, 'orders:write');

    const bad = await oauth.clientCredentialsGrantRequest(
      as,
      c,
      oauth.ClientSecretBasic('not-the-secret'),
      {},
      insecure,
    );
    // A 401 with `WWW-Authenticate: Basic` (RFC 6749 §5.2): oauth4webapi reports the challenge.
    const error = await oauth.processClientCredentialsResponse(as, c, bad).then(
      () => assert.fail('a wrong secret was accepted'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof oauth.WWWAuthenticateChallengeError, String(error));
    assert.equal(error.status, 401);
    assert.equal(error.cause[0]?.scheme, 'basic');
    assert.equal(((await error.response.json()) as { error: string }).error, 'invalid_client');
    const wide = await oauth.clientCredentialsGrantRequest(
      as,
      c,
      oauth.ClientSecretBasic(client.secret),
      { scope: 'orders:delete' },
      insecure,
    );
    await assert.rejects(oauth.processClientCredentialsResponse(as, c, wide), { error: 'invalid_scope' });
  });

  await t.test('kill -9 and a restart on the same database keep clients and keys', async () => {
    const before = await (await fetch(`${issuer}/.well-known/jwks.json`)).json();
    const token = (
      await oidc.clientCredentialsGrant(
        await oidc.discovery(new URL(issuer), client.id, undefined, oidc.ClientSecretBasic(client.secret), {
          execute: [oidc.allowInsecureRequests],
          algorithm: 'oauth2',
        }),
        { audience: AUDIENCE },
      )
    ).access_token;
    await kill(server);
    server = await startCli(serveArgs, READY, { timeoutMs: 45_000 });
    assert.deepEqual(await (await fetch(`${issuer}/.well-known/jwks.json`)).json(), before);
    await oracle.jwtVerify(
      token,
      oracle.createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)),
      expected,
    );
    const list = await runCli(['clients', 'list', ...admin, '--format', 'json']);
    assert.equal(list.code, 0, list.stderr);
    assert.ok(JSON.stringify(JSON.parse(list.stdout)).includes(client.id));
  });
});

test('signet serve with PostgreSQL unreachable exits 1 at once, naming the cause without the password', {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'signet-pg-down-'));
  try {
    const port = await freePort();
    const started = Date.now();
    const r = await runCli(
      [
        'serve',
        '--dev',
        '--data',
        dir,
        '--port',
        '0',
        '--admin-port',
        '0',
        '--db',
        `postgres://signet:pg-secret-pw@127.0.0.1:${port}/signet`,
      ],
      { timeoutMs: 30_000 },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /database unavailable/);
    assert.ok(!r.stderr.includes('pg-secret-pw'), 'the database password is not printed');
    assert.ok(Date.now() - started < 30_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
