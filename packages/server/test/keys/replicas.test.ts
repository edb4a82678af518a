import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSignetServer, loadConfig } from '../../src/index.js';
import { basic, startTestServer } from '../helpers/server.js';

describe('replicas on one database', () => {
  it('share keys: one rotates under the lease, both publish the same JWKS and verify each other', async () => {
    const t = await startTestServer({
      signing: { rotationPeriod: 3600, publishAhead: 600, jwksMaxAge: 300, keyReloadInterval: 10 },
      tokens: { defaultTtl: 300, maxTtl: 900 },
    });
    const config = loadConfig({
      flags: {
        dataDir: t.dir,
        port: 0,
        adminPort: 0,
        logLevel: 'silent',
        signing: { rotationPeriod: 3600, publishAhead: 600, jwksMaxAge: 300, keyReloadInterval: 10 },
        tokens: { defaultTtl: 300, maxTtl: 900 },
      },
      env: {},
    });
    const b = await createSignetServer(config, { now: t.clock.now, timers: false });
    try {
      const jwks = async (s: typeof b) =>
        JSON.parse((await s.public.inject({ url: '/.well-known/jwks.json' })).body);
      assert.deepEqual(await jwks(b), await jwks(t.server), 'the second replica did not create its own key');
      // Only the lease holder rotates; both see the new key after a reload.
      for (let i = 0; i < 55; i++) {
        t.clock.advance(60);
        await t.server.rotateKeysNow();
        await b.rotateKeysNow();
        assert.deepEqual(await jwks(b), await jwks(t.server));
      }
      const keys = (await t.admin('GET', '/admin/keys')).body.keys as { state: string }[];
      assert.equal(keys.filter((k) => k.state === 'active').length, 1);
      assert.equal(keys.filter((k) => k.state === 'next').length, 1);
      const c = await t.createClient({ name: 'x', audiences: ['https://a'] });
      const res = await b.public.inject({
        method: 'POST',
        url: '/token',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic(c.client.client_id, c.client_secret!),
        },
        payload: 'grant_type=client_credentials',
      });
      assert.equal(res.statusCode, 200);
      const token = JSON.parse(res.body).access_token;
      const rs = await t.createClient({ name: 'rs', audiences: ['https://a'], capabilities: ['introspect'] });
      const active = async (app: typeof b.public) => {
        const res = await app.inject({
          method: 'POST',
          url: '/introspect',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: basic(rs.client.client_id, rs.client_secret!),
          },
          payload: `token=${token}`,
        });
        return JSON.parse(res.body).active as boolean;
      };
      assert.equal(await active(t.server.public), true);
      // A revocation committed through one replica is seen by the other.
      await t.admin('POST', '/admin/revocations', { kind: 'client', value: c.client.client_id });
      assert.equal(await active(b.public), false);
    } finally {
      await b.close();
      await t.close();
    }
  });
});
