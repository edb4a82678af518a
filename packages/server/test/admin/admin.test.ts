import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basic, startTestServer, type TestServer } from '../helpers/server.js';

describe('admin API', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('refuses requests without a valid admin token', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-value', `Basic ${t.adminToken}`, 'Bearer ']) {
      const res = await t.server.admin.inject({
        url: '/admin/clients',
        headers: authorization === undefined ? {} : { authorization },
      });
      assert.equal(res.statusCode, 401);
      assert.equal(JSON.parse(res.body).error, 'invalid_token');
      assert.match(String(res.headers['www-authenticate']), /^Bearer/);
    }
    const keys = await t.server.admin.inject({ method: 'POST', url: '/admin/keys/rotate' });
    assert.equal(keys.statusCode, 401);
    assert.equal((await t.server.admin.inject({ url: '/admin/audit' })).statusCode, 401);
  });

  it('accepts SIGNET_ADMIN_TOKEN-style tokens from the configuration', async () => {
    const token = 'configured-admin-token-0123456789';
    const t2 = await startTestServer({ adminToken: token });
    try {
      const res = await t2.server.admin.inject({
        url: '/admin/clients',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.statusCode, 200);
    } finally {
      await t2.close();
    }
  });

  it('creates, lists, shows, patches and deletes clients without ever showing a secret again', async () => {
    const created = await t.admin('POST', '/admin/clients', {
      name: 'orders',
      scopes: ['orders:read'],
      audiences: ['https://s2'],
      capabilities: ['introspect'],
      tokenTtl: 120,
    });
    assert.equal(created.status, 201);
    const { client, client_secret } = created.body;
    assert.match(client_secret, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(Object.keys(client).sort(), [
      'audiences',
      'capabilities',
      'client_id',
      'created_at',
      'disabled',
      'jwks',
      'jwks_uri',
      'name',
      'previous_secret_expires_at',
      'scopes',
      'token_endpoint_auth_method',
      'token_ttl',
      'updated_at',
    ]);
    const list = await t.admin('GET', '/admin/clients');
    assert.ok(list.body.clients.some((c: { client_id: string }) => c.client_id === client.client_id));
    assert.ok(!JSON.stringify(list.body).includes(client_secret));
    assert.ok(!/secret_?hash/i.test(JSON.stringify(list.body)));
    const shown = await t.admin('GET', `/admin/clients/${client.client_id}`);
    assert.equal(shown.body.client.name, 'orders');
    const patched = await t.admin('PATCH', `/admin/clients/${client.client_id}`, {
      scopes: ['orders:read', 'orders:write'],
      tokenTtl: null,
    });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.client.scopes, ['orders:read', 'orders:write']);
    assert.equal(patched.body.client.token_ttl, null);
    assert.equal((await t.admin('DELETE', `/admin/clients/${client.client_id}`)).status, 204);
    assert.equal((await t.admin('GET', `/admin/clients/${client.client_id}`)).status, 404);
    assert.equal((await t.admin('DELETE', `/admin/clients/${client.client_id}`)).status, 404);
  });

  it('validates bodies strictly', async () => {
    const bad = [
      {},
      { name: 'x', unknown: 1 },
      { name: 'x', scopes: ['has space'] },
      { name: 'x', scopes: 'a' },
      { name: 'x', tokenTtl: 999_999 },
      { name: 'x', capabilities: ['root'] },
    ];
    for (const body of bad) {
      const res = await t.admin('POST', '/admin/clients', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error, 'invalid_request');
    }
    const res = await t.server.admin.inject({
      method: 'POST',
      url: '/admin/clients',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
      payload: '{not json',
    });
    assert.equal(res.statusCode, 400);
  });

  it('rotates a secret with a grace period for the old one', async () => {
    const c = await t.createClient({ name: 'rot', audiences: ['https://a'] });
    const id = c.client.client_id;
    const old = c.client_secret!;
    const rotated = await t.admin('POST', `/admin/clients/${id}/rotate-secret`, { graceSeconds: 600 });
    assert.equal(rotated.status, 200);
    const fresh = rotated.body.client_secret as string;
    assert.notEqual(fresh, old);
    assert.equal(rotated.body.previous_secret_expires_at, t.clock.now() / 1000 + 600);
    const grant = (s: string) =>
      t.token({ grant_type: 'client_credentials' }, { authorization: basic(id, s) });
    assert.equal((await grant(old)).status, 200);
    assert.equal((await grant(fresh)).status, 200);
    t.clock.advance(601);
    assert.equal((await grant(old)).status, 401);
    assert.equal((await grant(fresh)).status, 200);
  });

  it('disabling a client stops issuance at once and revokes its tokens', async () => {
    const c = await t.createClient({ name: 'dis', audiences: ['https://a'] });
    const auth = { authorization: basic(c.client.client_id, c.client_secret!) };
    assert.equal((await t.token({ grant_type: 'client_credentials' }, auth)).status, 200);
    const res = await t.admin('POST', `/admin/clients/${c.client.client_id}/disable`);
    assert.equal(res.status, 200);
    assert.equal(res.body.client.disabled, true);
    assert.equal((await t.token({ grant_type: 'client_credentials' }, auth)).status, 401);
    const revs = await t.server.store.readRevocations(0, Math.floor(t.clock.now() / 1000), 100);
    assert.ok(
      revs.some((r) => r.kind === 'client' && r.value === c.client.client_id && r.notBefore !== null),
    );
  });

  it('narrowing scopes issues a client not-before; widening does not', async () => {
    const c = await t.createClient({ name: 'nar', scopes: ['a', 'b'], audiences: ['https://a'] });
    const now = Math.floor(t.clock.now() / 1000);
    const count = async () =>
      (await t.server.store.readRevocations(0, now, 1000)).filter((r) => r.value === c.client.client_id)
        .length;
    await t.admin('PATCH', `/admin/clients/${c.client.client_id}`, { scopes: ['a', 'b', 'c'] });
    assert.equal(await count(), 0);
    await t.admin('PATCH', `/admin/clients/${c.client.client_id}`, { scopes: ['a'] });
    assert.equal(await count(), 1);
    const res = await t.token(
      { grant_type: 'client_credentials', scope: 'b' },
      { authorization: basic(c.client.client_id, c.client_secret!) },
    );
    assert.equal(res.body.error, 'invalid_scope', 'the cache was invalidated');
  });

  it('lists keys without private parts and serves the audit log in order', async () => {
    const keys = await t.admin('GET', '/admin/keys');
    assert.equal(keys.status, 200);
    assert.ok(keys.body.keys.length >= 1);
    const text = JSON.stringify(keys.body);
    assert.ok(!text.includes('"d"') && !text.includes('privateKeyEnc'));
    const first = await t.admin('GET', '/admin/audit?limit=5');
    assert.equal(first.status, 200);
    assert.equal(first.body.events.length, 5);
    const next = await t.admin('GET', `/admin/audit?after=${first.body.last}&limit=1000`);
    assert.ok(next.body.events.every((e: { id: number }) => e.id > first.body.last));
    const types = new Set([...first.body.events, ...next.body.events].map((e: { type: string }) => e.type));
    for (const type of [
      'key.created',
      'client.created',
      'token.issued',
      'token.denied',
      'client.auth_failed',
      'client.secret_rotated',
      'client.disabled',
    ]) {
      assert.ok(types.has(type), `audit has ${type}`);
    }
    const issued = next.body.events.find((e: { type: string }) => e.type === 'token.issued');
    assert.deepEqual(Object.keys(issued.data).sort(), ['aud', 'exp', 'jti', 'kid', 'scope']);
    assert.equal((await t.admin('GET', '/admin/audit?after=abc')).status, 400);
  });

  it('records admin revocations', async () => {
    const res = await t.admin('POST', '/admin/revocations', {
      kind: 'subject',
      value: 'user-1',
      reason: 'left',
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.revocation.kind, 'subject');
    assert.ok(res.body.revocation.seq > 0);
    assert.equal((await t.admin('POST', '/admin/revocations', { kind: 'kid', value: 'nope' })).status, 404);
    assert.equal((await t.admin('POST', '/admin/revocations', { kind: 'other', value: 'x' })).status, 400);
  });
});
