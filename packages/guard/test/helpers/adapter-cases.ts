/**
 * The RFC 6750 behaviour every adapter must show, run against a real framework listening on loopback.
 * Each adapter test mounts: GET /orders (scope orders:read, returns the auth), GET /admin (scope admin),
 * GET /optional (authRequired: false, returns { subject } or { anonymous: true }).
 */
import assert from 'node:assert/strict';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createGuard, type Guard } from '../../src/index.js';
import { bearer, call } from './http.js';
import { AUDIENCE, type FixtureIssuer, startIssuer } from './issuer.js';

/** A mounted app: its base URL and how to stop it. */
export interface Mounted {
  base: string;
  close(): Promise<unknown>;
}

/** Listens on a free loopback port; returns the base URL and a close that drops open connections. */
export async function listening(server: http.Server): Promise<Mounted> {
  if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      }),
  };
}

/** One suite per adapter: a fixture issuer, a guard, the app mounted by `mount`, then {@link adapterCases}. */
export function adapterSuite(
  name: string,
  mount: (guard: Guard) => Promise<Mounted>,
  guardOptions: { cache?: boolean } = {},
): void {
  describe(name, () => {
    let iss: FixtureIssuer;
    let app: Mounted | undefined;
    before(async () => {
      iss = await startIssuer();
      app = await mount(createGuard({ issuer: iss.issuer, audience: AUDIENCE, ...guardOptions }));
    });
    after(async () => {
      await app?.close();
      await iss.close();
    });
    adapterCases(
      () => app!.base,
      () => iss,
    );
  });
}

export const INSUFFICIENT =
  'Bearer realm="api", error="insufficient_scope", error_description="The access token does not have the required scope", scope="admin"';
export const INVALID =
  'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"';

export function adapterCases(getBase: () => string, getIssuer: () => FixtureIssuer): void {
  it('valid token reaches the handler with the auth', async () => {
    const r = await call(`${getBase()}/orders`, { headers: bearer(getIssuer().sign({ sub: 'svc-9' })) });
    assert.equal(r.status, 200, r.body);
    const body = r.json() as { subject: string; clientId: string; scopes: string[] };
    assert.equal(body.subject, 'svc-9');
    assert.deepEqual(body.scopes, ['orders:read']);
  });
  it('no token → 401 with a bare Bearer challenge', async () => {
    const r = await call(`${getBase()}/orders`);
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], 'Bearer realm="api"');
    assert.deepEqual(r.json(), { error: 'unauthorized', error_description: 'A bearer token is required' });
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.equal(r.headers['cache-control'], 'no-store');
  });
  it('bad token → 401 invalid_token, generic description', async () => {
    const r = await call(`${getBase()}/orders`, {
      headers: bearer(getIssuer().sign({}, { expiresIn: -100 })),
    });
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], INVALID);
    assert.deepEqual(r.json(), { error: 'invalid_token', error_description: 'The access token is invalid' });
  });
  it('missing scope → 403 insufficient_scope', async () => {
    const r = await call(`${getBase()}/admin`, { headers: bearer(getIssuer().sign()) });
    assert.equal(r.status, 403);
    assert.equal(r.headers['www-authenticate'], INSUFFICIENT);
    assert.equal((r.json() as { error: string }).error, 'insufficient_scope');
  });
  it('two tokens → 400 invalid_request', async () => {
    const t = getIssuer().sign();
    const r = await call(`${getBase()}/orders`, {
      headers: { authorization: [`Bearer ${t}`, `Bearer ${t}`] },
    });
    assert.equal(r.status, 400);
    assert.match(r.headers['www-authenticate'] ?? '', /^Bearer realm="api", error="invalid_request"/);
    const q = await call(`${getBase()}/orders?access_token=${t}`);
    assert.equal(q.status, 400);
  });
  it('a credential that is not a b64token → 400 invalid_request, even shaped like a JWS', async () => {
    const t = getIssuer().sign();
    const dot = t.indexOf('.');
    for (const bad of [`${t.slice(0, dot)}.!${t.slice(dot + 2)}`, `${t}!`, 'a=b']) {
      const r = await call(`${getBase()}/orders`, { headers: { authorization: `Bearer ${bad}` } });
      assert.equal(r.status, 400, bad);
      assert.match(r.headers['www-authenticate'] ?? '', /error="invalid_request"/);
      assert.equal((r.json() as { error: string }).error, 'invalid_request');
    }
    // The same token, well formed, still passes: the syntax check is not in its way.
    const ok = await call(`${getBase()}/orders`, { headers: bearer(t) });
    assert.equal(ok.status, 200, ok.body);
  });
  it('optional auth: no token passes without auth, a bad token is still 401', async () => {
    const anon = await call(`${getBase()}/optional`);
    assert.equal(anon.status, 200);
    assert.deepEqual(anon.json(), { anonymous: true });
    const authed = await call(`${getBase()}/optional`, { headers: bearer(getIssuer().sign({ sub: 'x' })) });
    assert.deepEqual(authed.json(), { subject: 'x' });
    const bad = await call(`${getBase()}/optional`, { headers: bearer('nope') });
    assert.equal(bad.status, 401);
  });
}
