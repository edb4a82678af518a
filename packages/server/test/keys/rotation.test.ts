import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { basic, startTestServer } from '../helpers/server.js';

const timing = {
  signing: { rotationPeriod: 3600, publishAhead: 600, jwksMaxAge: 300, keyReloadInterval: 10, clockSkew: 60 },
  tokens: { defaultTtl: 300, maxTtl: 900 },
};

/**
 * Drives the server's clock over several rotation cycles. At every step it fetches the JWKS and
 * issues a token, then checks the gapless property: the token verifies against every JWKS fetched
 * up to jwksMaxAge earlier, and every token still alive verifies against the current JWKS.
 */
async function runCycle(tickEverySteps: number) {
  const t = await startTestServer(timing);
  try {
    const c = await t.createClient({ name: 'rot', audiences: ['https://s2.example'], tokenTtl: 900 });
    const auth = { authorization: basic(c.client.client_id, c.client_secret!) };
    const step = 60;
    const snapshots: { at: number; jwks: { keys: { kid: string }[] } }[] = [];
    const tokens: { token: string; exp: number }[] = [];
    const kids = new Set<string>();
    let maxPublished = 0;
    for (let i = 0; i < (4 * 3600) / step + 20; i++) {
      if (i > 0) t.clock.advance(step);
      if (i % tickEverySteps === 0) await t.server.rotateKeysNow();
      const now = t.clock.now() / 1000;
      const res = await t.server.public.inject({ url: '/.well-known/jwks.json' });
      assert.equal(res.headers['cache-control'], 'public, max-age=300');
      const jwks = JSON.parse(res.body);
      snapshots.push({ at: now, jwks });
      maxPublished = Math.max(maxPublished, jwks.keys.length);
      const issued = await t.token({ grant_type: 'client_credentials' }, auth);
      assert.equal(issued.status, 200);
      const token = String(issued.body.access_token);
      kids.add(String(decodeProtectedHeader(token).kid));
      tokens.push({ token, exp: now + 900 });
      const currentDate = new Date(t.clock.now());
      for (const s of snapshots) {
        if (s.at < now - timing.signing.jwksMaxAge) continue;
        await assert.doesNotReject(
          jwtVerify(token, createLocalJWKSet(s.jwks as never), { currentDate }),
          `token at ${now} must verify against the JWKS fetched at ${s.at}`,
        );
      }
      const current = createLocalJWKSet(jwks);
      for (const old of tokens) {
        if (old.exp <= now) continue;
        await assert.doesNotReject(
          jwtVerify(old.token, current, { currentDate }),
          'a live token lost its key',
        );
      }
    }
    assert.ok(kids.size >= 4, `expected at least 4 signing keys over 4 cycles, saw ${kids.size}`);
    assert.ok(maxPublished <= 3, `old keys must leave the JWKS (max published ${maxPublished})`);
    const list = await t.admin('GET', '/admin/keys');
    assert.ok(list.body.keys.length <= 3);
    assert.equal(list.body.keys.filter((k: { state: string }) => k.state === 'active').length, 1);
  } finally {
    await t.close();
  }
}

describe('key rotation', () => {
  it('is gapless over four cycles with a tick every minute', () => runCycle(1));
  it('is gapless when ticks run late (every 7 minutes)', () => runCycle(7));

  it('publishes a rotated key publishAhead before it signs; revoke removes a key at once', async () => {
    const t = await startTestServer(timing);
    try {
      const c = await t.createClient({ name: 'r', audiences: ['https://a'] });
      const auth = { authorization: basic(c.client.client_id, c.client_secret!) };
      const first = String((await t.token({ grant_type: 'client_credentials' }, auth)).body.access_token);
      const firstKid = String(decodeProtectedHeader(first).kid);
      const rotated = await t.admin('POST', '/admin/keys/rotate');
      assert.equal(rotated.status, 200);
      const next = rotated.body.keys.find((k: { state: string }) => k.state === 'next');
      assert.ok(next);
      assert.ok(next.activatesAt - t.clock.now() / 1000 >= 600);
      // Still signing with the old key until the new one has been published long enough.
      t.clock.advance(599);
      let tok = String((await t.token({ grant_type: 'client_credentials' }, auth)).body.access_token);
      assert.equal(decodeProtectedHeader(tok).kid, firstKid);
      t.clock.advance(1);
      tok = String((await t.token({ grant_type: 'client_credentials' }, auth)).body.access_token);
      assert.equal(decodeProtectedHeader(tok).kid, next.kid);

      const revoked = await t.admin('POST', `/admin/keys/${next.kid}/revoke`, { reason: 'test' });
      assert.equal(revoked.status, 200);
      assert.equal(revoked.body.key.state, 'revoked');
      const jwks = JSON.parse((await t.server.public.inject({ url: '/.well-known/jwks.json' })).body);
      assert.ok(!jwks.keys.some((k: { kid: string }) => k.kid === next.kid));
      // A new key signs at once.
      tok = String((await t.token({ grant_type: 'client_credentials' }, auth)).body.access_token);
      const kid = String(decodeProtectedHeader(tok).kid);
      assert.notEqual(kid, next.kid);
      assert.ok(jwks.keys.some((k: { kid: string }) => k.kid === kid));
      assert.equal((await t.admin('POST', '/admin/keys/nope/revoke')).status, 404);
    } finally {
      await t.close();
    }
  });
});
