import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSigner, createVerifier, generateSecret } from '@signet/jose';
import { NOW, NOW_S, throwsCode, throwsTypeError } from '../helpers.js';

const key = generateSecret('HS256');

function clock(start = NOW): { now: () => number; set: (ms: number) => void } {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
  };
}

test('a hit returns the cached (frozen) result; clearCache empties it', () => {
  const c = clock();
  const v = createVerifier(key, { now: c.now, cache: true });
  const token = createSigner(key, { now: c.now, expiresIn: 60 })({ sub: 'a', nested: { x: 1 } });
  const first = v(token);
  assert.equal(v(token), first);
  assert.ok(Object.isFrozen(first.payload));
  assert.ok(Object.isFrozen(first.payload.nested));
  v.clearCache();
  assert.notEqual(v(token), first);
});

test('without cache every call verifies afresh', () => {
  const v = createVerifier(key);
  const token = createSigner(key)({});
  assert.notEqual(v(token), v(token));
});

test('cached entries honour exp on every hit (with clockTolerance)', () => {
  const c = clock();
  const v = createVerifier(key, { now: c.now, cache: true, clockTolerance: 5 });
  const token = createSigner(key, { now: c.now, expiresIn: 10 })({});
  const first = v(token);
  c.set(NOW + 14_999);
  assert.equal(v(token), first);
  c.set(NOW + 15_000);
  throwsCode(() => v(token), 'ERR_JWT_EXPIRED');
});

test('cached entries honour nbf when the clock moves back', () => {
  const c = clock(NOW + 10_000);
  const v = createVerifier(key, { now: c.now, cache: true });
  const token = createSigner(key, { now: () => NOW, notBefore: 5 })({});
  assert.ok(v(token));
  c.set(NOW + 4_000);
  throwsCode(() => v(token), 'ERR_JWT_NOT_YET_VALID');
});

test('cached entries honour maxTokenAge', () => {
  const c = clock();
  const v = createVerifier(key, { now: c.now, cache: true, maxTokenAge: 30 });
  const token = createSigner(key, { now: c.now })({});
  const first = v(token);
  c.set(NOW + 29_000);
  assert.equal(v(token), first);
  c.set(NOW + 31_000);
  throwsCode(() => v(token), 'ERR_JWT_CLAIM_INVALID');
});

test('bounded LRU: the least recently used token is evicted', () => {
  const v = createVerifier(key, { cache: { max: 2 } });
  const sign = createSigner(key, { jti: true });
  const [t1, t2, t3] = [sign({}), sign({}), sign({})] as [string, string, string];
  const r1 = v(t1);
  const r2 = v(t2);
  assert.equal(v(t1), r1); // t1 most recent, t2 oldest
  v(t3); // evicts t2
  assert.equal(v(t1), r1);
  assert.notEqual(v(t2), r2);
});

test('the cache is scoped to its verifier and never caches failures', () => {
  const a = createVerifier(key, { cache: true, audience: 'a' });
  const b = createVerifier(key, { cache: true, audience: 'b' });
  const token = createSigner(key)({ aud: 'a' });
  assert.ok(a(token));
  throwsCode(() => b(token), 'ERR_JWT_CLAIM_INVALID');
  const dot = token.lastIndexOf('.');
  const tampered = `${token.slice(0, dot + 1)}${token[dot + 1] === 'A' ? 'B' : 'A'}${token.slice(dot + 2)}`;
  throwsCode(() => a(tampered), 'ERR_JWS_SIGNATURE_INVALID');
  throwsCode(() => a(tampered), 'ERR_JWS_SIGNATURE_INVALID');
});

test('tokens without exp stay cached until evicted; a fresh verifier starts empty', () => {
  const v = createVerifier(key, { cache: true, now: () => NOW });
  const token = createSigner(key, { iat: false })({ sub: 'x', iat: NOW_S });
  const first = v(token);
  assert.equal(v(token), first);
  assert.notEqual(createVerifier(key, { cache: true })(token), first);
});

test('a token with a non-ASCII twin character neither verifies nor hits the cache', () => {
  const v = createVerifier(key, { cache: true });
  const token = createSigner(key)({ sub: 'a' });
  assert.ok(v(token));
  // U+0161 has low byte 0x61 ('a'): a latin1 reading would map the twin to the same bytes.
  const i = token.indexOf('.') + 2;
  const twin = token.slice(0, i) + String.fromCharCode(0x100 + token.charCodeAt(i)) + token.slice(i + 1);
  assert.throws(
    () => v(twin),
    (e: unknown) => e instanceof Error && 'code' in e,
  );
  assert.notEqual(v(token), undefined);
});

test('cache.key "token": keyed by the exact text, same rules; anything but sha256/token is misuse', () => {
  const c = clock();
  const v = createVerifier(key, { now: c.now, cache: { max: 2, key: 'token' } });
  const token = createSigner(key, { now: c.now, expiresIn: 60 })({ sub: 'a' });
  const first = v(token);
  assert.equal(v(token), first);
  // A different text for the same claims is a different entry (here: a forged signature, refused).
  const dot = token.lastIndexOf('.');
  const tampered = `${token.slice(0, dot + 1)}${token[dot + 1] === 'A' ? 'B' : 'A'}${token.slice(dot + 2)}`;
  throwsCode(() => v(tampered), 'ERR_JWS_SIGNATURE_INVALID');
  // Same signature (so the same map key, the token's tail), different token: never a false hit.
  const payloadStart = token.indexOf('.') + 1;
  const forged = `${token.slice(0, payloadStart)}${token[payloadStart] === 'e' ? 'f' : 'e'}${token.slice(payloadStart + 1)}`;
  assert.equal(forged.slice(-32), token.slice(-32));
  throwsCode(() => v(forged), 'ERR_JWS_SIGNATURE_INVALID');
  assert.equal(v(token), first);
  c.set(NOW + 61_000);
  throwsCode(() => v(token), 'ERR_JWT_EXPIRED');
  throwsTypeError(() => createVerifier(key, { cache: { key: 'md5' as 'token' } }), 'cache.key');
  throwsTypeError(() => createVerifier(key, { cache: { keyBuilder: () => 'x' } as never }), 'cache');
});
