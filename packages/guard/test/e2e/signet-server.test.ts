/**
 * End to end against the real Auth service (@signet/server on loopback): tokens from its /token endpoint,
 * keys from its discovery + JWKS, verified by the guard directly and through the gateway; a key rotation
 * through the admin API is picked up without losing a request.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSignetServer, initDataDir, loadConfig, type SignetServer } from '@signet/server';
import { createGateway, createGuard, type Gateway, type Guard, parseRoute } from '../../src/index.js';
import { testClock } from '../helpers/clock.js';
import { bearer, call } from '../helpers/http.js';
import { freePort } from '../helpers/nginx.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const AUDIENCE = 'https://orders.example';

describe('guard + gateway against the real Auth service', () => {
  const clock = testClock(Date.UTC(2030, 0, 1));
  let dir: string;
  let server: SignetServer;
  let adminToken: string;
  let issuer: string;
  let adminUrl: string;
  let clientId: string;
  let secret: string;
  let guard: Guard;
  let up: Upstream;
  let gateway: Gateway;
  let gatewayUrl: string;

  const token = async (scope?: string): Promise<string> => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', resource: AUDIENCE });
    if (scope !== undefined) form.set('scope', scope);
    const r = await call(`${issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      },
      body: form.toString(),
    });
    assert.equal(r.status, 200, r.body);
    return (r.json() as { access_token: string }).access_token;
  };
  const admin = async (method: string, path: string, body?: unknown) => {
    const r = await call(`${adminUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: r.status, body: r.body === '' ? undefined : (r.json() as Record<string, unknown>) };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'signet-guard-e2e-'));
    const init = await initDataDir(dir);
    adminToken = init.adminToken!;
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    const config = loadConfig({
      flags: { dataDir: dir, port, adminPort: 0, issuer, logLevel: 'silent' },
      env: {},
    });
    server = await createSignetServer(config, { now: clock, timers: false });
    ({ adminUrl } = await server.listen());
    const created = await admin('POST', '/admin/clients', {
      name: 'orders-client',
      scopes: ['orders:read', 'orders:write'],
      audiences: [AUDIENCE],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    clientId = (created.body!.client as { client_id: string }).client_id;
    secret = created.body!.client_secret as string;
    guard = createGuard({ issuer, audience: AUDIENCE, now: clock });
    up = await startUpstream();
    gateway = createGateway({
      guard,
      upstream: up.url,
      mode: 'both',
      routes: [parseRoute('POST /orders/* orders:write')],
    });
    gatewayUrl = (await gateway.listen()).url;
  });
  after(async () => {
    await gateway?.close();
    await up?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies a token from /token (discovery, JWKS, RFC 9068 claims)', async () => {
    const t = await token('orders:read');
    const auth = await guard.verify(t);
    assert.equal(auth.clientId, clientId);
    assert.deepEqual(auth.scopes, ['orders:read']);
    assert.equal(auth.header.typ, 'at+jwt');
    assert.equal(guard.health().status, 'ok');
  });

  it('the gateway proxies with identity headers and enforces route scopes', async () => {
    const t = await token('orders:read');
    const ok = await call(`${gatewayUrl}/orders/1`, { headers: bearer(t) });
    assert.equal(ok.status, 200);
    assert.equal((ok.json() as { headers: Record<string, string> }).headers['x-auth-client-id'], clientId);
    const denied = await call(`${gatewayUrl}/orders/1`, { method: 'POST', headers: bearer(t), body: '{}' });
    assert.equal(denied.status, 403);
    const fa = await call(`${gatewayUrl}/auth`, {
      headers: { ...bearer(await token()), 'x-forwarded-method': 'POST', 'x-forwarded-uri': '/orders/1' },
    });
    assert.equal(fa.status, 200);
    assert.equal(fa.headers['x-auth-scope'], 'orders:read orders:write');
  });

  it('a key rotation through the admin API loses no valid request', async () => {
    const before = await token();
    const kidOf = (t: string) =>
      JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()).kid as string;
    const rotated = await admin('POST', '/admin/keys/rotate');
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    await guard.verify(before);
    clock.advance(3_601_000); // past publishAhead: the successor signs
    await server.rotateKeysNow();
    const after = await token();
    assert.notEqual(kidOf(after), kidOf(before));
    const auth = await guard.verify(after);
    assert.equal(auth.clientId, clientId);
    const viaGateway = await call(`${gatewayUrl}/orders/9`, { headers: bearer(after) });
    assert.equal(viaGateway.status, 200);
  });
});
