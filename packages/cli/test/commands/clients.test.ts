import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cli } from '../helpers.js';
import { AUDIENCE, createClient, startServer, type TestServer, token } from '../server.js';

describe('signet clients (admin API of a real in-process server)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('clients create prints the client_id and the secret once, and sends scopes, audiences and ttl', async () => {
    const c = await createClient(server, ['--ttl', '2m', '--capability', 'introspect']);
    assert.match(c.secret, /^[\w-]{43,}$/);
    assert.deepEqual(c.client.scopes, ['orders:read', 'orders:write']);
    assert.deepEqual(c.client.audiences, [AUDIENCE]);
    assert.equal(c.client.token_ttl, 120);
    assert.deepEqual(c.client.capabilities, ['introspect']);
    const text = await cli(['clients', 'create', '--name', 's2', ...server.admin]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^client_id +\S+\nclient_secret +\S+\n$/);
    assert.match(text.stderr, /only this once/);
  });

  it('clients create --format env prints shell exports that signet token can use', async () => {
    const r = await cli([
      'clients',
      'create',
      '--name',
      'env',
      '--audience',
      AUDIENCE,
      ...server.admin,
      '--format',
      'env',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const env = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((line) => {
          const m = /^export (\w+)='([^']*)'$/.exec(line);
          assert.ok(m, line);
          return [m[1], m[2]];
        }),
    ) as Record<string, string>;
    const t = await cli(['token', '--issuer', server.issuer], { env });
    assert.equal(t.code, 0, t.stderr);
  });

  it('clients list and show never print a secret', async () => {
    const c = await createClient(server);
    const list = await cli(['clients', 'list', ...server.admin, '--format', 'json']);
    assert.equal(list.code, 0, list.stderr);
    const clients = (JSON.parse(list.stdout) as { clients: { client_id: string }[] }).clients;
    assert.ok(clients.some((x) => x.client_id === c.id));
    assert.ok(!list.stdout.includes(c.secret));
    const text = await cli(['clients', 'list', ...server.admin]);
    assert.match(text.stdout, /^CLIENT_ID +NAME +AUTH +SCOPES +AUDIENCES +DISABLED\n/);
    const show = await cli(['clients', 'show', c.id, ...server.admin]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`client_id +${c.id}`));
    assert.ok(!show.stdout.includes(c.secret));
  });

  it('rotate-secret: the new secret works and the old one keeps working during the grace period', async () => {
    const c = await createClient(server);
    const r = await cli([
      'clients',
      'rotate-secret',
      c.id,
      '--grace',
      '1h',
      ...server.admin,
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { client_secret: string };
    assert.notEqual(out.client_secret, c.secret);
    assert.equal((await token(server, c.id, out.client_secret)).code, 0);
    assert.equal((await token(server, c.id, c.secret)).code, 0);
    const noGrace = await cli([
      'clients',
      'rotate-secret',
      c.id,
      '--grace',
      '0',
      ...server.admin,
      '--format',
      'json',
    ]);
    const newest = (JSON.parse(noGrace.stdout) as { client_secret: string }).client_secret;
    assert.equal((await token(server, c.id, out.client_secret)).code, 1);
    assert.equal((await token(server, c.id, newest)).code, 0);
  });

  it('disable stops issuance; delete removes the client (show then exits 1 with ERR_ADMIN_NOT_FOUND)', async () => {
    const c = await createClient(server);
    const d = await cli(['clients', 'disable', c.id, ...server.admin, '--format', 'json']);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(JSON.parse(d.stdout).client.disabled, true);
    assert.equal((await token(server, c.id, c.secret)).code, 1);
    const del = await cli(['clients', 'delete', c.id, ...server.admin, '--format', 'json']);
    assert.equal(del.code, 0, del.stderr);
    assert.deepEqual(JSON.parse(del.stdout), { deleted: c.id });
    const show = await cli(['clients', 'show', c.id, ...server.admin]);
    assert.equal(show.code, 1);
    assert.match(show.stderr, /not found/);
  });

  it('clients create rejects contradictory flags (exit 2) and reports server validation (exit 1)', async () => {
    assert.equal(
      (await cli(['clients', 'create', '--name', 'x', '--auth', 'private_key_jwt', ...server.admin])).code,
      2,
    );
    const both = await cli([
      'clients',
      'create',
      '--name',
      'x',
      '--jwks',
      'a',
      '--jwks-uri',
      'https://x',
      ...server.admin,
    ]);
    assert.equal(both.code, 2);
    const bad = await cli(['clients', 'create', '--name', 'x', '--capability', 'root', ...server.admin]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /HTTP 400/);
  });

  it('clients update replaces settings; enable undoes disable; nothing to change is a usage error', async () => {
    const c = await createClient(server, ['--ttl', '10m']);
    const u = await cli([
      'clients',
      'update',
      c.id,
      '--scope',
      'orders:read',
      '--name',
      'renamed',
      '--default-ttl',
      ...server.admin,
      '--format',
      'json',
    ]);
    assert.equal(u.code, 0, u.stderr);
    const client = JSON.parse(u.stdout).client as Record<string, unknown>;
    assert.deepEqual(client.scopes, ['orders:read']);
    assert.equal(client.name, 'renamed');
    assert.equal(client.token_ttl, null);
    assert.equal((await cli(['clients', 'update', c.id, ...server.admin])).code, 2);
    assert.equal(
      (await cli(['clients', 'update', c.id, '--ttl', '5m', '--default-ttl', ...server.admin])).code,
      2,
    );
    assert.equal((await cli(['clients', 'disable', c.id, ...server.admin])).code, 0);
    assert.equal((await token(server, c.id, c.secret)).code, 1);
    const e = await cli(['clients', 'enable', c.id, ...server.admin, '--format', 'json']);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).client.disabled, false);
    assert.equal((await token(server, c.id, c.secret)).code, 0);
  });
});
