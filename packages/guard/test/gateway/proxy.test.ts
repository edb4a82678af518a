import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createGateway, createGuard, type Gateway, parseRoute } from '../../src/index.js';
import { bearer, call } from '../helpers/http.js';
import { AUDIENCE, type FixtureIssuer, startIssuer } from '../helpers/issuer.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

describe('gateway: verifying reverse proxy', () => {
  let iss: FixtureIssuer;
  let up: Upstream;
  let gateway: Gateway;
  let base = '';
  before(async () => {
    iss = await startIssuer();
    up = await startUpstream();
    gateway = createGateway({
      guard: createGuard({ issuer: iss.issuer, audience: AUDIENCE }),
      upstream: up.url,
      routes: [
        parseRoute('GET /orders/* orders:read'),
        parseRoute('POST /orders/* orders:write'),
        parseRoute('* /admin/* admin'),
      ],
      claimsHeader: true,
    });
    base = (await gateway.listen()).url;
  });
  after(async () => {
    await gateway.close();
    await up.close();
    await iss.close();
  });

  it('forwards a valid request with identity headers and strips client-sent X-Auth-* and hop-by-hop headers', async () => {
    const token = iss.sign({ sub: 'svc-1', client_id: 'c-1', scope: 'orders:read extra' });
    const r = await call(`${base}/orders/42?x=1`, {
      headers: {
        ...bearer(token),
        'x-auth-subject': 'admin',
        'X-Auth-Scope': 'admin',
        'x-auth-anything': 'evil',
        connection: 'keep-alive, x-secret',
        'x-secret': 'hop',
        'x-kept': 'end-to-end',
      },
    });
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers['x-upstream'], 'yes');
    assert.notEqual(
      r.headers['keep-alive'],
      'timeout=5',
      'the upstream hop-by-hop Keep-Alive is not relayed',
    );
    const seen = (r.json() as { url: string; headers: Record<string, string> }).headers;
    assert.equal((r.json() as { url: string }).url, '/orders/42?x=1');
    assert.equal(seen['x-auth-subject'], 'svc-1');
    assert.equal(seen['x-auth-client-id'], 'c-1');
    assert.equal(seen['x-auth-scope'], 'orders:read extra');
    assert.match(seen['x-auth-jti'] ?? '', /.+/);
    assert.equal(seen['x-auth-anything'], undefined);
    const claims = JSON.parse(Buffer.from(seen['x-auth-claims']!, 'base64url').toString()) as { sub: string };
    assert.equal(claims.sub, 'svc-1');
    assert.equal(seen['x-secret'], undefined);
    assert.equal(seen['x-kept'], 'end-to-end');
    assert.equal(seen.authorization, `Bearer ${token}`);
    assert.equal(seen['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.host, new URL(up.url).host);
  });

  it('checks route scopes, and normalizes the path before matching and forwarding', async () => {
    const token = iss.sign({ scope: 'orders:read' });
    const denied = await call(`${base}/orders/1`, { method: 'POST', headers: bearer(token), body: '{}' });
    assert.equal(denied.status, 403);
    assert.match(
      denied.headers['www-authenticate'] ?? '',
      /error="insufficient_scope", .*scope="orders:write"/,
    );
    const before = up.seen.length;
    const sneaky = await call(`${base}/orders/../admin/users`, { headers: bearer(token) });
    assert.equal(sneaky.status, 403);
    assert.match(sneaky.headers['www-authenticate'] ?? '', /scope="admin"/);
    assert.equal(up.seen.length, before, 'nothing reached the upstream');
    const none = await call(`${base}/anything`);
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="api"');
    const unmatched = await call(`${base}/anything`, { headers: bearer(token) });
    assert.equal(unmatched.status, 200, 'unmatched paths need a valid token only');
  });

  it('applies rules to every spelling of a path (case, repeated slashes, encoded letters)', async () => {
    const token = iss.sign({ scope: 'orders:read' });
    const before = up.seen.length;
    for (const path of ['/ADMIN/users', '//admin/users', '/%61dmin/users', '/admin/']) {
      const r = await call(`${base}${path}`, { headers: bearer(token) });
      assert.equal(r.status, 403, path);
    }
    assert.equal(up.seen.length, before, 'nothing reached the upstream');
  });

  it('streams request and response bodies', async () => {
    const token = iss.sign({ scope: 'orders:read' });
    // Request: 8 MiB sent in chunks, hashed by the upstream.
    const data = randomBytes(8 << 20);
    const uploaded = await new Promise<{ bytes: number; sha256: string }>((resolve, reject) => {
      const req = http.request(`${base}/upload`, { method: 'PUT', headers: bearer(token) }, (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve(JSON.parse(body)));
      });
      req.on('error', reject);
      for (let i = 0; i < data.length; i += 1 << 16) req.write(data.subarray(i, i + (1 << 16)));
      req.end();
    });
    assert.equal(uploaded.bytes, data.length);
    assert.equal(uploaded.sha256, createHash('sha256').update(data).digest('hex'));
    // Response: the first chunk reaches the client while the upstream has not finished.
    const text = await new Promise<string>((resolve, reject) => {
      http
        .get(`${base}/stream`, { headers: bearer(token) }, (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
            if (body === 'first chunk\n') up.release();
          });
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    assert.equal(text, 'first chunk\nlast chunk\n');
  });

  it('answers 502 when the upstream is down', async () => {
    const gw = createGateway({
      guard: createGuard({ issuer: iss.issuer, audience: AUDIENCE }),
      upstream: 'http://127.0.0.1:1',
    });
    const { url } = await gw.listen();
    try {
      const r = await call(`${url}/x`, { headers: bearer(iss.sign()) });
      assert.equal(r.status, 502);
      assert.deepEqual(r.json(), { error: 'bad_gateway', error_description: 'The upstream is unavailable' });
    } finally {
      await gw.close();
    }
  });

  it('serves /healthz from the guard state', async () => {
    const r = await call(`${base}/healthz`);
    assert.equal(r.status, 200);
    const h = r.json() as { status: string; keys: number; feed: { state: string } };
    assert.equal(h.status, 'ok');
    assert.equal(h.keys, 1);
    assert.equal(h.feed.state, 'disabled');
  });

  it('loads the keys when it starts listening: /healthz is ready before any token arrives', async () => {
    const gw = createGateway({
      guard: createGuard({ issuer: iss.issuer, audience: AUDIENCE }),
      upstream: up.url,
    });
    const { url } = await gw.listen();
    try {
      const deadline = Date.now() + 5_000; // bounded polling: the warm-up is asynchronous
      let status = 0;
      while (status !== 200 && Date.now() < deadline) {
        status = (await call(`${url}/healthz`)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(status, 200);
    } finally {
      await gw.close();
    }
  });

  it('validates its options', () => {
    const guard = createGuard({ issuer: iss.issuer, audience: AUDIENCE });
    assert.throws(() => createGateway({ guard, mode: 'proxy' }), /"upstream"/);
    assert.throws(() => createGateway({ guard, upstream: 'ftp://x' }), /"upstream"/);
    assert.throws(() => createGateway({ guard, upstream: up.url, mode: 'x' as never }), /"mode"/);
    assert.throws(() => createGateway({ guard: {} as never, upstream: up.url }), /"guard"/);
    assert.throws(() => createGateway({ guard, upstream: up.url, authPath: 'auth' }), /"authPath"/);
  });
});
