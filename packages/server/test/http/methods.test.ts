import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('a known path asked with another method: 405 with Allow, not 404', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('the token, introspection and revocation endpoints accept POST only', async () => {
    for (const url of ['/token', '/introspect', '/revoke']) {
      for (const method of ['GET', 'PUT', 'DELETE'] as const) {
        const res = await t.server.public.inject({ method, url: `${url}?grant_type=client_credentials` });
        assert.equal(res.statusCode, 405, `${method} ${url}`);
        assert.equal(res.headers.allow, 'POST');
        assert.equal(res.headers['cache-control'], 'no-store');
        assert.deepEqual(JSON.parse(res.body), {
          error: 'invalid_request',
          error_description: 'this endpoint accepts POST',
        });
      }
    }
  });

  it('read-only documents name GET and HEAD', async () => {
    const res = await t.server.public.inject({ method: 'POST', url: '/.well-known/jwks.json' });
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers.allow, 'GET, HEAD');
  });

  it('parametric admin routes: the methods of the matching pattern', async () => {
    const res = await t.server.admin.inject({ method: 'PUT', url: '/admin/clients/some-id' });
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers.allow, 'DELETE, GET, HEAD, PATCH');
  });

  it('unknown paths stay 404', async () => {
    for (const url of ['/nope', '/token/x', '/admin/clients/a/b/c']) {
      const res = await t.server.public.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(JSON.parse(res.body).error, 'not_found');
    }
  });
});
