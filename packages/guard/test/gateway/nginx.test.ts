/**
 * End to end with a real nginx: auth_request to the gateway's forward-auth endpoint, a real upstream behind it.
 * The nginx configuration is read from docs/gateways.md.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGateway, createGuard, type Gateway, parseRoute } from '../../src/index.js';
import { bearer, call } from '../helpers/http.js';
import { AUDIENCE, type FixtureIssuer, startIssuer } from '../helpers/issuer.js';
import { documentedNginxConfig, ensureNginx, type Nginx, startNginx } from '../helpers/nginx.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const INVALID = 'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"';

// A missing nginx fails the suite (CI installs `nginx-light`); SIGNET_SKIP_NGINX=1 skips it explicitly.
const skip = process.env.SIGNET_SKIP_NGINX === '1' ? 'SIGNET_SKIP_NGINX=1' : false;
const bin = skip === false ? ensureNginx() : undefined;

describe('nginx auth_request → forward-auth → upstream', { skip }, () => {
  let iss: FixtureIssuer;
  let up: Upstream;
  let gateway: Gateway;
  let nginx: Nginx | undefined;
  before(async () => {
    if (bin === undefined)
      throw new Error('nginx with auth_request is not installed (apt-get install nginx-light)');
    iss = await startIssuer();
    up = await startUpstream();
    gateway = createGateway({
      guard: createGuard({ issuer: iss.issuer, audience: AUDIENCE, jwks: { cooldown: 500 } }),
      mode: 'forward-auth',
      routes: [parseRoute('GET /orders/* orders:read'), parseRoute('POST /orders/* orders:write')],
    });
    const { port: authPort } = await gateway.listen();
    nginx = await startNginx(bin!, (port) => documentedNginxConfig(port, up.port, authPort));
  });
  after(async () => {
    await nginx?.stop();
    await gateway?.close();
    await up?.close();
    await iss?.close();
  });

  it('a valid token reaches the upstream with the identity headers (client-sent ones replaced)', async () => {
    const token = iss.sign({ sub: 'svc-e2e', client_id: 'client-e2e', scope: 'orders:read' });
    const r = await call(`${nginx!.url}/orders/1?x=y`, {
      headers: { ...bearer(token), 'x-auth-subject': 'forged' },
    });
    assert.equal(r.status, 200, `${r.body}\n${nginx!.errorLog()}`);
    const seen = r.json() as { url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/orders/1?x=y');
    assert.equal(seen.headers['x-auth-subject'], 'svc-e2e');
    assert.equal(seen.headers['x-auth-client-id'], 'client-e2e');
    assert.equal(seen.headers['x-auth-scope'], 'orders:read');
    assert.match(seen.headers['x-auth-jti'] ?? '', /.+/);
  });

  it('missing token → 401 with a bare challenge (exactly one WWW-Authenticate) and a JSON body', async () => {
    const r = await call(`${nginx!.url}/orders/1`);
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], 'Bearer realm="api"');
    assert.deepEqual(r.json(), { error: 'unauthorized', error_description: 'A bearer token is required' });
  });

  it('expired, tampered and wrong-audience tokens → 401 invalid_token', async () => {
    const good = iss.sign();
    const [h, p, s] = good.split('.') as [string, string, string];
    const tampered = `${h}.${p}.${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const tokens = {
      expired: iss.sign({}, { expiresIn: -30 }),
      tampered,
      wrongAudience: iss.sign({}, { audience: 'billing' }),
    };
    for (const [name, token] of Object.entries(tokens)) {
      const r = await call(`${nginx!.url}/orders/1`, { headers: bearer(token) });
      assert.equal(r.status, 401, name);
      assert.equal(r.headers['www-authenticate'], INVALID, name);
      assert.deepEqual(
        r.json(),
        { error: 'invalid_token', error_description: 'The access token is invalid' },
        name,
      );
    }
  });

  it('insufficient scope → 403 with WWW-Authenticate passed through and a JSON body', async () => {
    const r = await call(`${nginx!.url}/orders/1`, {
      method: 'POST',
      headers: bearer(iss.sign({ scope: 'orders:read' })),
      body: '{}',
    });
    assert.equal(r.status, 403);
    assert.equal(
      r.headers['www-authenticate'],
      'Bearer realm="api", error="insufficient_scope", error_description="The access token does not have the required scope", scope="orders:write"',
    );
    assert.equal((r.json() as { error: string }).error, 'insufficient_scope');
  });

  it('a key rotation at the issuer in the middle of traffic loses no valid request', async () => {
    const failures: string[] = [];
    const okByKid = new Map<string, number>();
    let running = true;
    const kidOf = (t: string) =>
      JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()).kid as string;
    const worker = async () => {
      while (running) {
        const token = iss.sign();
        const r = await call(`${nginx!.url}/orders/2`, { headers: bearer(token) });
        if (r.status === 200) okByKid.set(kidOf(token), (okByKid.get(kidOf(token)) ?? 0) + 1);
        else failures.push(`${r.status} ${r.headers['www-authenticate'] ?? ''} ${r.body.slice(0, 80)}`);
      }
    };
    // Bounded polling (real processes): wait for a condition, at most 15 s.
    const until = async (what: string, cond: () => boolean) => {
      const deadline = Date.now() + 15_000;
      while (!cond()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const oldKid = kidOf(iss.sign());
    const started = Date.now();
    const workers = Array.from({ length: 8 }, worker);
    try {
      // More than the guard's 500 ms cooldown since its last JWKS fetch, with traffic flowing.
      await until(
        'traffic on the old key',
        () => (okByKid.get(oldKid) ?? 0) >= 20 && Date.now() - started > 700,
      );
      const newKid = iss.addKey('RS256'); // publish ahead …
      const published = okByKid.get(oldKid) ?? 0;
      await until('traffic after publishing', () => (okByKid.get(oldKid) ?? 0) >= published + 10);
      iss.activate(newKid); // … then sign with it
      await until('traffic on the new key', () => (okByKid.get(newKid) ?? 0) >= 30);
    } finally {
      running = false;
      await Promise.allSettled(workers);
    }
    assert.deepEqual(failures, [], `${failures.length} requests failed`);
  });
});
