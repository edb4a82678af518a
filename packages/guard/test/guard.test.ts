import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateSecret, signJwt } from '@signet/jose';
import { claimEquals, createGuard, GuardError, type GuardEvent, metadataUrls } from '../src/index.js';
import { rejection, testClock } from './helpers/clock.js';
import { AUDIENCE, type FixtureIssuer, startIssuer } from './helpers/issuer.js';

const INVALID = 'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"';

describe('createGuard options', () => {
  const base = { issuer: 'http://127.0.0.1:1', audience: 'a' };
  it('throws TypeError naming the option', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ issuer: undefined }, /"issuer"/],
      [{ issuer: 'ftp://x' }, /"issuer"/],
      [{ audience: [] }, /"audience"/],
      [{ algorithms: ['none'] }, /"algorithms"/],
      [{ algorithms: ['HS256'] }, /"algorithms" must be asymmetric/],
      [{ clockTolerance: -1 }, /"clockTolerance"/],
      [{ jwks: { cooldown: 'x' } }, /"jwks.cooldown"/],
      [{ jwks: { uri: 'nope' } }, /"jwks.uri"/],
      [{ realm: 'r\n' }, /"realm"/],
      [{ allowQueryToken: 'yes' }, /"allowQueryToken"/],
      [{ checks: [1] }, /"checks"/],
      [{ cache: 'x' }, /"cache"/],
      [{ metrics: { registry: {} } }, /"metrics.registry"/],
      [{ typ: '' }, /"typ"/],
    ];
    for (const [patch, message] of cases) {
      assert.throws(
        () => createGuard({ ...base, ...patch } as never),
        (e: unknown) => e instanceof TypeError && message.test(e.message),
      );
    }
  });
  it('allows HS256 only with a local secret', async () => {
    const secret = generateSecret('HS256');
    const guard = createGuard({ issuer: 'http://issuer.test', audience: 'a', keys: secret });
    assert.deepEqual(guard.options.algorithms, ['HS256']);
    const token = signJwt({ client_id: 'c', scope: 'x' }, secret, {
      typ: 'at+jwt',
      issuer: 'http://issuer.test',
      audience: 'a',
      expiresIn: 60,
    });
    const auth = await guard.verify(token);
    assert.equal(auth.clientId, 'c');
    assert.equal(auth.subject, 'c');
    assert.equal(guard.health().status, 'ok');
  });
});

describe('guard against a fixture issuer', () => {
  let iss: FixtureIssuer;
  const clock = testClock();
  before(async () => {
    iss = await startIssuer({ now: clock });
  });
  after(() => iss.close());

  it('discovers via RFC 8414 and returns the typed result', async () => {
    const guard = createGuard({ issuer: iss.issuer, audience: AUDIENCE, now: clock });
    const token = iss.sign({ scope: 'orders:read orders:list', sub: 'svc-1', client_id: 'client-1' });
    const auth = await guard.verify(token);
    assert.equal(auth.subject, 'svc-1');
    assert.equal(auth.clientId, 'client-1');
    assert.deepEqual(auth.scopes, ['orders:read', 'orders:list']);
    assert.equal(auth.token, token);
    assert.equal(auth.header.typ, 'at+jwt');
    assert.equal(typeof auth.jti, 'string');
    assert.equal(auth.payload, auth.claims);
    assert.equal(iss.metadataFetches['/.well-known/oauth-authorization-server'], 1);
    assert.equal(guard.health().status, 'ok');
    assert.equal(guard.health().keys, 1);
    assert.equal(guard.counters.token_verify_total.ok, 1);
  });

  it('falls back to OpenID discovery, and refuses a metadata issuer that differs', async () => {
    iss.settings.oauthMetadata = false;
    try {
      const guard = createGuard({ issuer: iss.issuer, audience: AUDIENCE, now: clock });
      await guard.verify(iss.sign());
      assert.ok((iss.metadataFetches['/.well-known/openid-configuration'] ?? 0) >= 1);
    } finally {
      iss.settings.oauthMetadata = true;
    }
    iss.settings.metadataIssuer = 'http://evil.test';
    try {
      const events: GuardEvent[] = [];
      const guard = createGuard({
        issuer: iss.issuer,
        audience: AUDIENCE,
        now: clock,
        onEvent: (e) => events.push(e),
      });
      const e = await rejection(() => guard.verify(iss.sign()));
      assert.ok(e instanceof GuardError);
      assert.equal(e.reason, 'ERR_GUARD_DISCOVERY');
      assert.equal(guard.counters.token_verify_total.unavailable, 1);
      assert.ok(events.some((x) => x.type === 'discovery' && x.result === 'error'));
      assert.equal(guard.health().status, 'failing');
    } finally {
      iss.settings.metadataIssuer = undefined;
    }
  });

  it('jwks.uri skips discovery (static JWKS URL)', async () => {
    const before = { ...iss.metadataFetches };
    const guard = createGuard({
      issuer: iss.issuer,
      audience: AUDIENCE,
      now: clock,
      jwks: { uri: `${iss.issuer}/.well-known/jwks.json` },
    });
    await guard.verify(iss.sign());
    assert.deepEqual(iss.metadataFetches, before);
  });

  it('rejects every bad token with 401 invalid_token and reports the private reason', async () => {
    const events: GuardEvent[] = [];
    const guard = createGuard({
      issuer: iss.issuer,
      audience: AUDIENCE,
      now: clock,
      onEvent: (e) => events.push(e),
    });
    const good = iss.sign();
    const [h, p, s] = good.split('.') as [string, string, string];
    const tampered = `${h}.${p}.${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const cases: Array<[string, string, string]> = [
      ['expired', iss.sign({}, { expiresIn: -60 }), 'ERR_JWT_EXPIRED'],
      ['wrong audience', iss.sign({}, { audience: 'billing' }), 'ERR_JWT_CLAIM_INVALID:aud'],
      ['wrong issuer', iss.sign({}, { issuer: 'http://other.test' }), 'ERR_JWT_CLAIM_INVALID:iss'],
      ['typ JWT (an ID token)', iss.sign({}, { typ: 'JWT' }), 'ERR_JWT_CLAIM_INVALID:typ'],
      ['no client_id', iss.sign({ client_id: undefined }), 'ERR_JWT_CLAIM_INVALID:client_id'],
      ['tampered', tampered, 'ERR_JWS_SIGNATURE_INVALID'],
      ['garbage', 'abc', 'ERR_JWS_INVALID'],
      ['unknown kid', iss.unpublishedSigner()(), 'ERR_JWKS_NO_MATCHING_KEY'],
    ];
    for (const [name, token, reason] of cases) {
      const e = await rejection(() => guard.verify(token));
      assert.ok(e instanceof GuardError, name);
      assert.equal(e.code, 'ERR_GUARD_INVALID_TOKEN', name);
      assert.equal(e.status, 401, name);
      assert.equal(e.reason, reason, name);
      assert.equal(e.headers['www-authenticate'], INVALID, name);
      assert.ok(!JSON.stringify(e.body).includes('ERR_'), name);
    }
    assert.equal(guard.counters.token_verify_total.expired, 1);
    assert.equal(guard.counters.token_verify_total.invalid, cases.length - 1);
    assert.ok(events.every((e) => !JSON.stringify(e).includes(good.slice(20))));
  });

  it('tolerates clock skew up to clockTolerance (default 5 s)', async () => {
    const guard = createGuard({ issuer: iss.issuer, audience: AUDIENCE, now: clock });
    const token = iss.sign({}, { expiresIn: 10 });
    clock.advance(13_000);
    await guard.verify(token);
    clock.advance(3_000);
    assert.equal((await rejection(() => guard.verify(token))).reason, 'ERR_JWT_EXPIRED');
  });

  it('requires scopes: 403 insufficient_scope with the scope attribute', async () => {
    const guard = createGuard({
      issuer: iss.issuer,
      audience: AUDIENCE,
      now: clock,
      requiredScopes: 'orders:read',
    });
    await guard.verify(iss.sign({ scope: 'orders:read' }));
    const e = await rejection(() =>
      guard.verify(iss.sign({ scope: 'orders:read' }), { scopes: ['orders:write'] }),
    );
    assert.equal(e.status, 403);
    assert.equal(
      (e as unknown as GuardError).headers['www-authenticate'],
      'Bearer realm="api", error="insufficient_scope", error_description="The access token does not have the required scope", scope="orders:read orders:write"',
    );
    const e2 = await rejection(() => guard.verify(iss.sign({ scope: undefined })));
    assert.equal(e2.code, 'ERR_GUARD_INSUFFICIENT_SCOPE');
    assert.equal(guard.counters.token_verify_total.forbidden, 2);
  });

  it('runs checks (the revocation hook) and the feed; a throw is 401 with the check code as reason', async () => {
    const revoked = new Set<string>();
    const feed = {
      check: (auth: { jti: string | undefined }) => {
        if (auth.jti !== undefined && revoked.has(auth.jti)) {
          throw Object.assign(new Error('revoked'), { code: 'ERR_TOKEN_REVOKED' });
        }
      },
      status: () => ({ state: 'live' as const, entries: revoked.size }),
    };
    const guard = createGuard({
      issuer: iss.issuer,
      audience: AUDIENCE,
      now: clock,
      cache: true,
      feed,
      checks: [claimEquals('tenant', 'acme')],
    });
    const token = iss.sign({ tenant: 'acme' });
    const auth = await guard.verify(token);
    await guard.verify(token);
    revoked.add(auth.jti!);
    const e = await rejection(() => guard.verify(token));
    assert.equal(e.status, 401);
    assert.equal(e.reason, 'ERR_TOKEN_REVOKED');
    const e2 = await rejection(() => guard.verify(iss.sign({ tenant: 'other' })));
    assert.equal(e2.reason, 'claim:tenant');
    assert.deepEqual(guard.health().feed, { state: 'live', entries: 1 });
    assert.equal(guard.counters.token_verify_total.rejected, 2);
  });

  it('a feed object that relies on `this`, and asynchronous checks, run in order', async () => {
    const order: string[] = [];
    class Feed {
      readonly name = 'feed';
      check(): void {
        order.push(this.name);
      }
      status() {
        return { state: 'live' as const, entries: 0 };
      }
    }
    const guard = createGuard({
      issuer: iss.issuer,
      audience: AUDIENCE,
      now: clock,
      cache: true,
      feed: new Feed(),
      checks: [
        async () => {
          await new Promise((r) => setTimeout(r, 5));
          order.push('async');
        },
        () => {
          order.push('sync');
        },
      ],
    });
    const token = iss.sign();
    await guard.verify(token);
    assert.deepEqual(order, ['feed', 'async', 'sync']);
    // With an asynchronous check, even a cached token is answered through a promise.
    assert.ok(guard.authenticateNow({ authorization: `Bearer ${token}` }) instanceof Promise);
    const failing = createGuard({
      issuer: iss.issuer,
      audience: AUDIENCE,
      now: clock,
      checks: [async () => Promise.reject(Object.assign(new Error('no'), { code: 'ERR_LATE' }))],
    });
    const e = await rejection(() => failing.verify(iss.sign()));
    assert.equal(e.status, 401);
    assert.equal(e.reason, 'ERR_LATE');
  });

  it('authenticateNow answers a cached token synchronously, and throws synchronously', async () => {
    const guard = createGuard({ issuer: iss.issuer, audience: AUDIENCE, now: clock, cache: true });
    const token = iss.sign({ sub: 'sync' });
    await guard.verify(token);
    const auth = guard.authenticateNow({ authorization: `Bearer ${token}` });
    assert.ok(!(auth instanceof Promise));
    assert.equal(auth?.subject, 'sync');
    assert.throws(
      () => guard.authenticateNow({}),
      (e: unknown) => e instanceof GuardError && e.status === 401,
    );
    assert.equal(guard.authenticateNow({}, undefined, false), undefined);
  });

  it('the verified-token cache still enforces expiry', async () => {
    const guard = createGuard({ issuer: iss.issuer, audience: AUDIENCE, now: clock, cache: { max: 10 } });
    const token = iss.sign({}, { expiresIn: 60 });
    await guard.verify(token);
    await guard.verify(token);
    clock.advance(66_000);
    assert.equal((await rejection(() => guard.verify(token))).reason, 'ERR_JWT_EXPIRED');
  });

  it('authenticate: no token → bare challenge with the configured realm', async () => {
    const guard = createGuard({ issuer: iss.issuer, audience: AUDIENCE, now: clock, realm: 'orders api' });
    const e = await rejection(() => guard.authenticate({ headers: {} }));
    assert.equal(e.code, 'ERR_GUARD_NO_TOKEN');
    assert.equal((e as unknown as GuardError).headers['www-authenticate'], 'Bearer realm="orders api"');
    assert.equal(await guard.authenticateOptional({ headers: {} }), undefined);
    const auth = await guard.authenticate(new Headers({ authorization: `Bearer ${iss.sign()}` }));
    assert.equal(auth.clientId, 'service-a');
  });
});

describe('discovery of an issuer with a path', () => {
  it('inserts the RFC 8414 well-known segment before the path, and appends the OpenID one', async () => {
    const iss = await startIssuer({ path: '/tenant-a' });
    try {
      assert.deepEqual(metadataUrls(iss.issuer), [
        `http://127.0.0.1:${iss.port}/.well-known/oauth-authorization-server/tenant-a`,
        `${iss.issuer}/.well-known/openid-configuration`,
      ]);
      const guard = createGuard({ issuer: iss.issuer, audience: AUDIENCE });
      await guard.verify(iss.sign());
      assert.equal(iss.metadataFetches['/.well-known/oauth-authorization-server/tenant-a'], 1);
    } finally {
      await iss.close();
    }
  });
});
