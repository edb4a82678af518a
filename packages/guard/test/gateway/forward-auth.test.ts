import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createGateway, createGuard, type Gateway, parseRoute } from '../../src/index.js';
import { testClock } from '../helpers/clock.js';
import { bearer, call } from '../helpers/http.js';
import { AUDIENCE, type FixtureIssuer, startIssuer } from '../helpers/issuer.js';

const INVALID = 'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"';

describe('gateway: forward-auth endpoint', () => {
  let iss: FixtureIssuer;
  let gateway: Gateway;
  let base = '';
  const clock = testClock(Math.floor(Date.now() / 1000) * 1000); // whole seconds: max-age is exact
  before(async () => {
    iss = await startIssuer({ now: clock });
    gateway = createGateway({
      guard: createGuard({ issuer: iss.issuer, audience: AUDIENCE, now: clock }),
      mode: 'forward-auth',
      routes: [parseRoute('GET /orders/* orders:read'), parseRoute('DELETE /orders/* orders:admin')],
      cacheMaxAge: 60,
    });
    base = (await gateway.listen()).url;
  });
  after(async () => {
    await gateway.close();
    await iss.close();
  });

  it('200 exactly, with identity headers and a private max-age bounded by the token lifetime', async () => {
    const token = iss.sign({ sub: 'svc', client_id: 'cid', scope: 'orders:read' }, { expiresIn: 30 });
    const r = await call(`${base}/auth`, {
      headers: { ...bearer(token), 'x-original-method': 'GET', 'x-original-uri': '/orders/7?q=1' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-auth-subject'], 'svc');
    assert.equal(r.headers['x-auth-client-id'], 'cid');
    assert.equal(r.headers['x-auth-scope'], 'orders:read');
    assert.match(String(r.headers['x-auth-jti']), /.+/);
    assert.equal(r.headers['cache-control'], 'private, max-age=30');
    assert.equal(r.body, '');
    const long = iss.sign({}, { expiresIn: 3600 });
    const r2 = await call(`${base}/auth`, { headers: bearer(long) });
    assert.equal(r2.headers['cache-control'], 'private, max-age=60');
    const noJti = await call(`${base}/auth`, { headers: bearer(iss.sign({}, { jti: false })) });
    assert.equal(noJti.status, 200);
    assert.equal(noJti.headers['x-auth-jti'], '', 'always present, so a proxy overwrites a client-sent one');
  });

  it('401 for a missing or bad token, with WWW-Authenticate, X-Auth-Error and a JSON body', async () => {
    const none = await call(`${base}/auth`, { headers: { 'x-original-uri': '/orders/1' } });
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="api"');
    assert.equal(none.headers['x-auth-error'], 'unauthorized');
    const bad = await call(`${base}/auth`, { headers: bearer(iss.sign({}, { expiresIn: -10 })) });
    assert.equal(bad.status, 401);
    assert.equal(bad.headers['www-authenticate'], INVALID);
    assert.deepEqual(bad.json(), {
      error: 'invalid_token',
      error_description: 'The access token is invalid',
    });
    assert.equal(bad.headers['x-auth-error'], 'invalid_token');
    assert.equal(bad.headers['cache-control'], 'no-store');
  });

  it('a malformed request is 401 too (never 400): nginx would turn it into a 500', async () => {
    const t = iss.sign();
    const two = await call(`${base}/auth`, { headers: { authorization: [`Bearer ${t}`, `Bearer ${t}`] } });
    assert.equal(two.status, 401);
    assert.match(two.headers['www-authenticate'] ?? '', /error="invalid_request"/);
    const query = await call(`${base}/auth`, {
      headers: { 'x-original-uri': `/orders/1?access_token=${t}` },
    });
    assert.equal(query.status, 401);
    assert.equal(query.headers['x-auth-error'], 'invalid_request');
  });

  it('403 with scope for route rules from nginx, Traefik and Envoy request shapes', async () => {
    const token = iss.sign({ scope: 'orders:read' });
    const nginx = await call(`${base}/auth`, {
      headers: { ...bearer(token), 'x-original-method': 'DELETE', 'x-original-uri': '/orders/1' },
    });
    assert.equal(nginx.status, 403);
    assert.match(nginx.headers['www-authenticate'] ?? '', /error="insufficient_scope".*scope="orders:admin"/);
    assert.equal(nginx.headers['x-auth-error'], 'insufficient_scope');
    const traefik = await call(`${base}/auth`, {
      headers: { ...bearer(token), 'x-forwarded-method': 'DELETE', 'x-forwarded-uri': '/orders/1' },
    });
    assert.equal(traefik.status, 403);
    const envoy = await call(`${base}/auth/orders/1`, { method: 'DELETE', headers: bearer(token) });
    assert.equal(envoy.status, 403);
    const envoyOk = await call(`${base}/auth/orders/1`, { method: 'GET', headers: bearer(token) });
    assert.equal(envoyOk.status, 200);
    for (const uri of ['//Orders/1', '/ORDERS/1/', '/%6Frders/1', '/x/%2e%2e/orders/1']) {
      const r = await call(`${base}/auth`, {
        headers: { ...bearer(token), 'x-original-method': 'DELETE', 'x-original-uri': uri },
      });
      assert.equal(r.status, 403, uri);
    }
    const sneaky = await call(`${base}/auth`, {
      headers: { ...bearer(token), 'x-original-method': 'DELETE', 'x-original-uri': '/x/../orders/1' },
    });
    assert.equal(sneaky.status, 403);
  });

  it('1,000 concurrent HTTP requests with an unknown kid: at most one JWKS fetch per cooldown', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
    const unknown = iss.unpublishedSigner()();
    const burst = async () => {
      const replies = await Promise.all(
        Array.from({ length: 1000 }, () => call(`${base}/auth`, { headers: bearer(unknown), agent })),
      );
      assert.ok(replies.every((r) => r.status === 401 && r.headers['www-authenticate'] === INVALID));
    };
    try {
      await call(`${base}/auth`, { headers: bearer(iss.sign()), agent }); // keys loaded
      const start = iss.jwksFetches;
      clock.advance(30_001); // past the default 30 s cooldown since that fetch
      await burst();
      assert.equal(iss.jwksFetches - start, 1);
      await burst(); // same cooldown window: no fetch
      assert.equal(iss.jwksFetches - start, 1);
    } finally {
      agent.destroy();
    }
  });

  it('an issuer outage past the stale bound is still a 401, never a 5xx', async () => {
    const clock2 = testClock();
    const gw = createGateway({
      guard: createGuard({
        issuer: 'http://127.0.0.1:1',
        audience: AUDIENCE,
        now: clock2,
        jwks: { timeout: 200 },
      }),
      mode: 'forward-auth',
    });
    const { url } = await gw.listen();
    try {
      const r = await call(`${url}/auth`, { headers: bearer(iss.sign()) });
      assert.equal(r.status, 401);
      assert.equal(r.headers['www-authenticate'], INVALID);
      const h = await call(`${url}/healthz`);
      assert.equal(h.status, 503);
      const other = await call(`${url}/elsewhere`);
      assert.equal(other.status, 404);
    } finally {
      await gw.close();
    }
  });
});
