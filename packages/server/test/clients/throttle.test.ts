import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FailureThrottle } from '../../src/clients/throttle.js';
import { basic, encodeForm, startTestServer, type TestServer } from '../helpers/server.js';

describe('FailureThrottle', () => {
  it('throttles after the limit and recovers after the window', () => {
    let now = 0;
    const th = new FailureThrottle({ limit: 3, windowSeconds: 60, now: () => now });
    for (let i = 0; i < 3; i++) {
      assert.equal(th.retryAfter('k'), 0);
      th.fail('k');
    }
    assert.ok(th.retryAfter('k') > 0);
    assert.equal(th.retryAfter('other'), 0);
    now += 60_000;
    assert.ok(th.retryAfter('k') > 0, 'the previous window still weighs');
    now += 60_000;
    assert.equal(th.retryAfter('k'), 0);
  });

  it('bounds its memory', () => {
    const th = new FailureThrottle({ limit: 3, windowSeconds: 60, now: () => 0, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) th.fail(`k${i}`);
    assert.equal(th.size, 100);
  });
});

describe('brute-force protection at /token', () => {
  let t: TestServer;
  let id: string;
  let secret: string;
  before(async () => {
    t = await startTestServer({ clientAuth: { maxFailures: 5, window: 60 } });
    const c = await t.createClient({ name: 'b', audiences: ['https://a'] });
    id = c.client.client_id;
    secret = c.client_secret!;
  });
  after(() => t.close());

  const attempt = (authorization: string, remoteAddress: string) =>
    t.server.public.inject({
      method: 'POST',
      url: '/token',
      remoteAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
      payload: encodeForm({ grant_type: 'client_credentials' }),
    });

  it('throttles a guessing loop per address with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await attempt(basic(`guess-${i}`, 'x'), '10.0.0.1')).statusCode);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
    const res = await attempt(basic(id, secret), '10.0.0.1');
    assert.equal(res.statusCode, 429);
    assert.ok(Number(res.headers['retry-after']) >= 1);
    assert.equal(JSON.parse(res.body).error, 'slow_down');
    assert.equal(
      (await attempt(basic(id, secret), '10.0.0.2')).statusCode,
      200,
      'other addresses are unaffected',
    );
  });

  it('throttles per client_id across addresses, and recovers after the window', async () => {
    for (let i = 0; i < 5; i++)
      assert.equal((await attempt(basic(id, 'wrong'), `10.1.0.${i}`)).statusCode, 401);
    assert.equal((await attempt(basic(id, secret), '10.1.1.1')).statusCode, 429);
    t.clock.advance(121);
    assert.equal((await attempt(basic(id, secret), '10.1.1.1')).statusCode, 200);
  });

  it('counts failures in the metrics', async () => {
    const res = await t.server.admin.inject({ url: '/metrics' });
    assert.match(res.body, /signet_client_auth_failures_total\{method="client_secret_basic"\} \d+/);
    assert.match(
      res.body,
      /signet_token_requests_total\{grant_type="client_credentials",result="throttled"\} \d+/,
    );
    assert.match(res.body, /signet_token_issue_duration_seconds_bucket/);
    assert.match(res.body, /signet_signing_keys\{state="active"\} 1/);
    assert.ok(res.body.includes(`signet_client_token_requests_total{client_id="${id}",result="issued"}`));
    assert.ok(!res.body.includes('client_id="guess-'), 'unauthenticated ids never become labels');
  });
});
