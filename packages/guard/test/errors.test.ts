import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearerChallenge, GuardError, guardErrors, quoteHeaderValue } from '../src/errors.js';

describe('bearerChallenge', () => {
  it('is a bare realm when there is no error (RFC 6750 §3)', () => {
    assert.equal(bearerChallenge('api'), 'Bearer realm="api"');
  });
  it('lists error, error_description and scope in order', () => {
    assert.equal(
      bearerChallenge('api', 'insufficient_scope', 'nope', ['a:read', 'b:write']),
      'Bearer realm="api", error="insufficient_scope", error_description="nope", scope="a:read b:write"',
    );
  });
  it('escapes quotes and backslashes and drops control and non-ASCII characters', () => {
    assert.equal(quoteHeaderValue('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(quoteHeaderValue('x\r\nSet-Cookie: y\u00e9'), '"xSet-Cookie: y"');
    assert.equal(bearerChallenge('my "realm"'), 'Bearer realm="my \\"realm\\""');
  });
});

describe('GuardError', () => {
  it('no token: 401, bare challenge, no error attribute', () => {
    const e = guardErrors.noToken('api');
    assert.equal(e.code, 'ERR_GUARD_NO_TOKEN');
    assert.equal(e.status, 401);
    assert.equal(e.headers['www-authenticate'], 'Bearer realm="api"');
    assert.deepEqual(e.body, { error: 'unauthorized', error_description: 'A bearer token is required' });
  });
  it('invalid token: 401 invalid_token with a generic description; the reason stays private', () => {
    const e = guardErrors.invalidToken('api', 'ERR_JWT_EXPIRED');
    assert.equal(e.status, 401);
    assert.equal(
      e.headers['www-authenticate'],
      'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"',
    );
    assert.equal(e.reason, 'ERR_JWT_EXPIRED');
    assert.ok(!JSON.stringify(e.body).includes('EXPIRED'));
    assert.ok(!e.message.includes('EXPIRED'));
  });
  it('insufficient scope: 403 with scope', () => {
    const e = guardErrors.insufficientScope('api', ['orders:write']);
    assert.equal(e.status, 403);
    assert.equal(e.code, 'ERR_GUARD_INSUFFICIENT_SCOPE');
    assert.equal(
      e.headers['www-authenticate'],
      'Bearer realm="api", error="insufficient_scope", error_description="The access token does not have the required scope", scope="orders:write"',
    );
    assert.deepEqual(e.body.error, 'insufficient_scope');
  });
  it('invalid request: 400', () => {
    const e = guardErrors.invalidRequest('api', 'More than one access token was sent');
    assert.equal(e.status, 400);
    assert.equal(
      e.headers['www-authenticate'],
      'Bearer realm="api", error="invalid_request", error_description="More than one access token was sent"',
    );
    assert.equal(e.headers['cache-control'], 'no-store');
  });
  it('withRealm keeps everything but the realm', () => {
    const e = guardErrors.insufficientScope('x', ['a']).withRealm('orders');
    assert.ok(e instanceof GuardError);
    assert.equal(e.realm, 'orders');
    assert.deepEqual(e.scope, ['a']);
    assert.match(e.headers['www-authenticate']!, /^Bearer realm="orders", error="insufficient_scope"/);
  });
});
