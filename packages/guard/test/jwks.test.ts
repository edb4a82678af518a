import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createGuard } from '../src/index.js';
import { rejection, testClock } from './helpers/clock.js';
import { AUDIENCE, type FixtureIssuer, startIssuer } from './helpers/issuer.js';

describe('JWKS fetch discipline', () => {
  let iss: FixtureIssuer;
  const clock = testClock();
  before(async () => {
    iss = await startIssuer({ now: clock });
  });
  after(() => iss.close());

  it('1,000 concurrent requests with an unknown kid cause at most one JWKS fetch per cooldown', async () => {
    iss.settings.jwksDelayMs = 50; // keep the fetch in flight while the requests pile up
    try {
      const guard = createGuard({
        issuer: iss.issuer,
        audience: AUDIENCE,
        now: clock,
        jwks: { cooldown: 30_000 },
      });
      const start = iss.jwksFetches;
      // Cold start: 1,000 valid tokens at once share one discovery and one fetch.
      const valid = iss.sign();
      await Promise.all(Array.from({ length: 1000 }, () => guard.verify(valid)));
      assert.equal(iss.jwksFetches - start, 1);
      assert.equal(iss.metadataFetches['/.well-known/oauth-authorization-server'], 1);

      const unknown = iss.unpublishedSigner()();
      const burst = async () => {
        const results = await Promise.allSettled(Array.from({ length: 1000 }, () => guard.verify(unknown)));
        assert.ok(
          results.every(
            (r) =>
              r.status === 'rejected' &&
              (r.reason as { reason: string }).reason === 'ERR_JWKS_NO_MATCHING_KEY',
          ),
        );
      };
      await burst(); // within the cooldown of the first fetch: no refetch
      assert.ok(iss.jwksFetches - start <= 2, `fetches: ${iss.jwksFetches - start}`);
      const afterFirst = iss.jwksFetches;
      clock.advance(30_001);
      await burst();
      assert.equal(iss.jwksFetches - afterFirst, 1, JSON.stringify(guard.counters.jwks_fetch_total));
      await burst();
      assert.equal(iss.jwksFetches - afterFirst, 1);
      clock.advance(30_001);
      await burst();
      assert.equal(iss.jwksFetches - afterFirst, 2);
      assert.equal(guard.counters.jwks_fetch_total.ok, iss.jwksFetches - start);
    } finally {
      iss.settings.jwksDelayMs = 0;
    }
  });

  it('a new kid published by the issuer is picked up on first sight after the cooldown', async () => {
    const guard = createGuard({
      issuer: iss.issuer,
      audience: AUDIENCE,
      now: clock,
      jwks: { cooldown: 1_000 },
    });
    await guard.verify(iss.sign());
    clock.advance(1_001);
    iss.addKey('RS256', true);
    const auth = await guard.verify(iss.sign());
    assert.equal(auth.header.alg, 'RS256');
    assert.equal(guard.health().keys, 2);
  });
});

describe('issuer outage', () => {
  it('keeps verifying with cached keys up to maxStale, says so in health and metrics, then fails', async () => {
    const clock = testClock();
    const iss = await startIssuer({ now: clock });
    const registry = new Registry();
    try {
      const guard = createGuard({
        issuer: iss.issuer,
        audience: AUDIENCE,
        now: clock,
        jwks: { cacheMaxAge: 60_000, maxStale: 600_000, cooldown: 1_000, timeout: 500 },
        metrics: { registry },
      });
      const token = iss.sign({}, { expiresIn: 86_400 });
      await guard.ready();
      await guard.verify(token);
      assert.equal(guard.health().status, 'ok');

      await iss.stop();
      clock.advance(120_000); // past cacheMaxAge: a refresh is due and fails
      const auth = await guard.verify(token);
      assert.equal(auth.clientId, 'service-a');
      const h = guard.health();
      assert.equal(h.status, 'stale');
      assert.equal(h.stale, true);
      assert.ok(guard.counters.jwks_fetch_total.error + guard.counters.jwks_fetch_total.timeout >= 1);
      const text = await registry.metrics();
      assert.match(text, /signet_guard_jwks_stale 1/);
      assert.match(text, /signet_guard_jwks_fetch_total\{result="error"\} [1-9]/);
      assert.match(text, /signet_guard_token_verify_total\{result="ok"\} 2/);

      clock.advance(600_000); // now past cacheMaxAge + maxStale
      const e = await rejection(() => guard.verify(token));
      assert.equal(e.status, 401);
      assert.equal(e.code, 'ERR_GUARD_INVALID_TOKEN');
      assert.equal(guard.health().status, 'failing');
      assert.ok(guard.counters.token_verify_total.unavailable >= 1);

      await iss.start(); // the issuer comes back: verification recovers
      clock.advance(1_001);
      await guard.verify(token);
      assert.equal(guard.health().status, 'ok');
    } finally {
      await iss.close();
    }
  });
});
