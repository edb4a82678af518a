import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basic, encodeForm, startTestServer, type TestServer } from '../helpers/server.js';

describe('introspection (RFC 7662) and revocation (RFC 7009)', () => {
  let t: TestServer;
  let rs: { id: string; secret: string };
  let svc: { id: string; secret: string };
  before(async () => {
    t = await startTestServer();
    const r = await t.createClient({ name: 'rs', audiences: ['https://rs'], capabilities: ['introspect'] });
    rs = { id: r.client.client_id, secret: r.client_secret! };
    const s = await t.createClient({ name: 'svc', scopes: ['a'], audiences: ['https://rs'] });
    svc = { id: s.client.client_id, secret: s.client_secret! };
  });
  after(() => t.close());

  const post = async (url: string, form: Record<string, string>, who: { id: string; secret: string }) => {
    const res = await t.server.public.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(who.id, who.secret),
      },
      payload: encodeForm(form),
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
  const issue = async (who = svc) =>
    String(
      (await t.token({ grant_type: 'client_credentials' }, { authorization: basic(who.id, who.secret) })).body
        .access_token,
    );
  const introspect = (token: string) => post('/introspect', { token }, rs);

  it('returns the claims of an active token', async () => {
    const token = await issue();
    const res = await introspect(token);
    assert.equal(res.status, 200);
    assert.equal(res.body.active, true);
    assert.equal(res.body.client_id, svc.id);
    assert.equal(res.body.scope, 'a');
    assert.equal(res.body.token_type, 'Bearer');
  });

  it('answers active:false for unknown, tampered and expired tokens', async () => {
    const token = await issue();
    assert.deepEqual((await introspect('garbage')).body, { active: false });
    assert.deepEqual((await introspect(`${token.slice(0, -4)}AAAA`)).body, { active: false });
    t.clock.advance(301);
    assert.deepEqual((await introspect(token)).body, { active: false });
  });

  it('refuses callers without the introspect capability, and unauthenticated callers', async () => {
    const token = await issue();
    assert.equal((await post('/introspect', { token }, svc)).status, 403);
    assert.equal((await post('/introspect', { token }, { id: rs.id, secret: 'wrong' })).status, 401);
    assert.equal((await post('/introspect', {}, rs)).body.error, 'invalid_request');
  });

  it('revokes a client’s own token (committed before 200) and answers 200 for unknown tokens', async () => {
    const token = await issue();
    const res = await post('/revoke', { token, token_type_hint: 'access_token' }, svc);
    assert.equal(res.status, 200);
    assert.deepEqual((await introspect(token)).body, { active: false });
    const revs = await t.server.store.readRevocations(0, Math.floor(t.clock.now() / 1000), 100);
    assert.ok(revs.some((r) => r.kind === 'jti'));
    assert.equal((await post('/revoke', { token: 'unknown' }, svc)).status, 200);
    assert.equal(
      (await post('/revoke', { token: 'unknown', token_type_hint: 'refresh_token' }, svc)).status,
      200,
    );
  });

  it('refuses revoking another client’s token', async () => {
    const token = await issue();
    const res = await post('/revoke', { token }, rs);
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'unauthorized_client');
    assert.equal((await introspect(token)).body.active, true);
  });

  it('honours client not-before and kid revocations', async () => {
    const token = await issue();
    t.clock.advance(1);
    await t.admin('POST', '/admin/revocations', { kind: 'client', value: svc.id });
    assert.equal((await introspect(token)).body.active, false);
    t.clock.advance(2);
    const later = await issue();
    assert.equal((await introspect(later)).body.active, true);
    const kid = JSON.parse(Buffer.from(later.split('.')[0]!, 'base64url').toString()).kid;
    await t.admin('POST', `/admin/keys/${kid}/revoke`);
    assert.equal((await introspect(later)).body.active, false);
    assert.equal((await introspect(await issue())).body.active, true, 'a new key signs');
  });
});
