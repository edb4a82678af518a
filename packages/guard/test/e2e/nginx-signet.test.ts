/**
 * The whole edge path with real processes: tokens from the real Auth service (@signet/server), nginx
 * auth_request (the documented configuration) to the gateway's forward-auth endpoint, a real upstream.
 * A key rotation on the Auth service (admin API) in the middle of the traffic loses no valid request.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSignetServer, initDataDir, loadConfig, type SignetServer } from '@signet/server';
import { createGateway, createGuard, type Gateway, parseRoute } from '../../src/index.js';
import { bearer, call } from '../helpers/http.js';
import { documentedNginxConfig, ensureNginx, freePort, type Nginx, startNginx } from '../helpers/nginx.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const AUDIENCE = 'https://orders.example';
const skip = process.env.SIGNET_SKIP_NGINX === '1' ? 'SIGNET_SKIP_NGINX=1' : false;
const bin = skip === false ? ensureNginx() : undefined;
const kidOf = (t: string) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()).kid as string;

describe('nginx + gateway + the real Auth service', { skip }, () => {
  let dir: string;
  let server: SignetServer | undefined;
  let issuer: string;
  let adminUrl: string;
  let adminToken: string;
  let basic: string;
  let up: Upstream | undefined;
  let gateway: Gateway | undefined;
  let nginx: Nginx | undefined;

  const token = async (scope?: string): Promise<string> => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', resource: AUDIENCE });
    if (scope !== undefined) form.set('scope', scope);
    const r = await call(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: form.toString(),
    });
    assert.equal(r.status, 200, r.body);
    return (r.json() as { access_token: string }).access_token;
  };

  before(async () => {
    if (bin === undefined)
      throw new Error('nginx with auth_request is not installed (apt-get install nginx-light)');
    dir = mkdtempSync(join(tmpdir(), 'signet-guard-nginx-e2e-'));
    adminToken = (await initDataDir(dir)).adminToken!;
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    const config = loadConfig({
      flags: {
        dataDir: dir,
        port,
        adminPort: 0,
        issuer,
        logLevel: 'silent',
        // A rotation that completes within the test: the successor is published 2 s before it signs.
        signing: { publishAhead: 2, jwksMaxAge: 1, keyReloadInterval: 1 },
      } as never,
      env: {},
    });
    server = await createSignetServer(config, { timers: false });
    ({ adminUrl } = await server.listen());
    const created = await call(`${adminUrl}/admin/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 's1', scopes: ['orders:read', 'orders:write'], audiences: [AUDIENCE] }),
    });
    assert.equal(created.status, 201, created.body);
    const body = created.json() as { client: { client_id: string }; client_secret: string };
    basic = `Basic ${Buffer.from(`${body.client.client_id}:${body.client_secret}`).toString('base64')}`;
    up = await startUpstream();
    gateway = createGateway({
      guard: createGuard({ issuer, audience: AUDIENCE, jwks: { cooldown: 500 } }),
      mode: 'forward-auth',
      routes: [parseRoute('POST /orders/* orders:write')],
    });
    const { port: authPort } = await gateway.listen();
    nginx = await startNginx(bin, (p) => documentedNginxConfig(p, up!.port, authPort));
  });
  after(async () => {
    await nginx?.stop();
    await gateway?.close();
    await up?.close();
    await server?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('valid, missing, wrong-scope tokens from the Auth service through nginx', async () => {
    const t = await token('orders:read');
    const ok = await call(`${nginx!.url}/orders/1`, { headers: bearer(t) });
    assert.equal(ok.status, 200, ok.body);
    assert.match((ok.json() as { headers: Record<string, string> }).headers['x-auth-client-id'] ?? '', /.+/);
    const none = await call(`${nginx!.url}/orders/1`);
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="api"');
    const denied = await call(`${nginx!.url}/orders/1`, { method: 'POST', headers: bearer(t), body: '{}' });
    assert.equal(denied.status, 403);
    assert.match(
      denied.headers['www-authenticate'] ?? '',
      /error="insufficient_scope".*scope="orders:write"/,
    );
  });

  it('a key rotation on the Auth service in the middle of the traffic loses no valid request', async () => {
    const failures: string[] = [];
    const okByKid = new Map<string, number>();
    let running = true;
    const worker = async () => {
      while (running) {
        const t = await token();
        const r = await call(`${nginx!.url}/orders/2`, { headers: bearer(t) });
        if (r.status === 200) okByKid.set(kidOf(t), (okByKid.get(kidOf(t)) ?? 0) + 1);
        else failures.push(`${r.status} ${r.headers['www-authenticate'] ?? ''}`);
      }
    };
    const until = async (what: string, cond: () => boolean) => {
      const deadline = Date.now() + 20_000; // bounded polling on real processes
      while (!cond()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const oldKid = kidOf(await token());
    const workers = Array.from({ length: 6 }, worker);
    try {
      await until('traffic on the current key', () => (okByKid.get(oldKid) ?? 0) >= 20);
      const rotated = await call(`${adminUrl}/admin/keys/rotate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}` },
      });
      assert.equal(rotated.status, 200, rotated.body);
      // The successor signs once publishAhead (2 s) has passed.
      await until('traffic on the successor key', () =>
        [...okByKid.keys()].some((k) => k !== oldKid && okByKid.get(k)! >= 20),
      );
    } finally {
      running = false;
      await Promise.allSettled(workers);
    }
    assert.deepEqual(failures, [], `${failures.length} requests failed`);
  });
});
