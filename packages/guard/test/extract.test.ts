import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GuardError } from '../src/errors.js';
import { extractToken } from '../src/extract.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof GuardError);
    return `${e.status} ${e.error} ${e.reason}`;
  }
  return 'no error';
};

describe('extractToken (RFC 6750 §2)', () => {
  it('reads a Bearer token, scheme case-insensitive', () => {
    assert.equal(
      extractToken({ headers: { authorization: 'Bearer abc.def.ghi' } }, 'api', false),
      'abc.def.ghi',
    );
    assert.equal(extractToken({ headers: { authorization: 'bEaReR abc' } }, 'api', false), 'abc');
    assert.equal(
      extractToken({ headers: new Headers({ authorization: 'bearer a-b_c~d+e/f==' }) }, 'api', false),
      'a-b_c~d+e/f==',
    );
  });
  it('no header, or another scheme, is no token', () => {
    assert.equal(extractToken({ headers: {} }, 'api', false), undefined);
    assert.equal(extractToken({ headers: { authorization: 'Basic dXNlcjpwYXNz' } }, 'api', false), undefined);
  });
  it('a malformed Bearer credential is invalid_request', () => {
    assert.equal(
      code(() => extractToken({ headers: { authorization: 'Bearer' } }, 'api', false)),
      '400 invalid_request malformed_authorization',
    );
    assert.equal(
      code(() => extractToken({ headers: { authorization: 'Bearer a b' } }, 'api', false)),
      '400 invalid_request malformed_authorization',
    );
    assert.equal(
      code(() => extractToken({ headers: { authorization: 'Bearer a"b' } }, 'api', false)),
      '400 invalid_request malformed_authorization',
    );
  });
  it('two Authorization tokens are invalid_request (Node rawHeaders and fetch Headers)', () => {
    const raw = ['Authorization', 'Bearer a', 'authorization', 'Bearer b'];
    assert.equal(
      code(() => extractToken({ headers: { authorization: 'Bearer a' }, rawHeaders: raw }, 'api', false)),
      '400 invalid_request multiple_tokens',
    );
    const h = new Headers();
    h.append('authorization', 'Bearer a');
    h.append('authorization', 'Bearer b');
    assert.equal(
      code(() => extractToken({ headers: h }, 'api', false)),
      '400 invalid_request multiple_tokens',
    );
  });
  it('a query token is refused unless allowed, and never together with a header', () => {
    assert.equal(
      code(() => extractToken({ headers: {}, url: '/x?access_token=abc' }, 'api', false)),
      '400 invalid_request query_token',
    );
    assert.equal(extractToken({ headers: {}, url: '/x?a=1&access_token=abc' }, 'api', true), 'abc');
    assert.equal(
      code(() =>
        extractToken({ headers: { authorization: 'Bearer a' }, url: '/x?access_token=b' }, 'api', true),
      ),
      '400 invalid_request multiple_tokens',
    );
  });
});
