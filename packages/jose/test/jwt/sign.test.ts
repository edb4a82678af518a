import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createSigner,
  createVerifier,
  decodeUnverified,
  generateKeyPair,
  generateSecret,
  signJwt,
} from '@signet/jose';
import { NOW, NOW_S, throwsTypeError } from '../helpers.js';

const key = generateSecret('HS256', { kid: 'h1' });
const now = (): number => NOW + 999;

test('createSigner: header alg/kid/typ, iat/exp/nbf from the clock', () => {
  const sign = createSigner(key, { typ: 'at+jwt', expiresIn: 300, notBefore: -5, now });
  const { header, payload } = decodeUnverified(sign({ sub: 'u', scope: 'a b' }));
  assert.deepEqual({ ...header }, { alg: 'HS256', typ: 'at+jwt', kid: 'h1' });
  assert.deepEqual(payload, { sub: 'u', scope: 'a b', iat: NOW_S, exp: NOW_S + 300, nbf: NOW_S - 5 });
});

test('createSigner: iat can be turned off; jti true gives a fresh UUID each time; jti function used', () => {
  const plain = createSigner(key, { iat: false });
  assert.deepEqual(decodeUnverified(plain({ a: 1 })).payload, { a: 1 });
  const withJti = createSigner(key, { jti: true, iat: false });
  const a = decodeUnverified(withJti({})).payload.jti;
  const b = decodeUnverified(withJti({})).payload.jti;
  assert.match(String(a), /^[0-9a-f-]{36}$/);
  assert.notEqual(a, b);
  let n = 0;
  const counted = createSigner(key, { jti: () => `id-${++n}` });
  assert.equal(decodeUnverified(counted({})).payload.jti, 'id-1');
});

test('createSigner: configured issuer/audience/subject override the same claims', () => {
  const sign = createSigner(key, { issuer: 'https://auth', audience: ['a', 'b'], subject: 's', now });
  const { payload } = decodeUnverified(sign({ iss: 'evil', aud: 'evil', sub: 'evil', x: 1 }));
  assert.equal(payload.iss, 'https://auth');
  assert.deepEqual(payload.aud, ['a', 'b']);
  assert.equal(payload.sub, 's');
  assert.equal(payload.x, 1);
  assert.equal(decodeUnverified(createSigner(key, { audience: 'one' })({})).payload.aud, 'one');
});

test("the caller's claims object is not modified", () => {
  const claims = { sub: 'u' };
  createSigner(key, { expiresIn: 10, jti: true })(claims);
  assert.deepEqual(claims, { sub: 'u' });
});

test('signed tokens verify for every algorithm', () => {
  for (const alg of ['RS256', 'PS384', 'ES512', 'EdDSA'] as const) {
    const pair = generateKeyPair(alg);
    const token = signJwt({ sub: alg }, pair.privateKey, { expiresIn: 60 });
    assert.equal(createVerifier(pair.publicKey)(token).payload.sub, alg);
  }
});

test('misuse → TypeError naming the option or claim', () => {
  throwsTypeError(() => createSigner(generateKeyPair('ES256').publicKey), 'public');
  throwsTypeError(() => createSigner(key, { expiresIn: '1h' as never }), 'expiresIn');
  throwsTypeError(() => createSigner(key, { expiresIn: -1 }), 'expiresIn');
  throwsTypeError(() => createSigner(key, { notBefore: Number.NaN }), 'notBefore');
  throwsTypeError(() => createSigner(key, { iat: 1 as never }), 'iat');
  throwsTypeError(() => createSigner(key, { jti: 'x' as never }), 'jti');
  throwsTypeError(() => createSigner(key, { issuer: 1 as never }), 'issuer');
  throwsTypeError(() => createSigner(key, { audience: [] }), 'audience');
  throwsTypeError(() => createSigner(key, { subject: {} as never }), 'subject');
  throwsTypeError(() => createSigner(key, { typ: 1 as never }), 'typ');
  throwsTypeError(() => createSigner(key, { now: 5 as never }), 'now');
  throwsTypeError(() => createSigner(key, { header: { alg: 'RS256' } }), 'alg');
  throwsTypeError(() => createSigner(key, { expiresin: 5 } as never), 'expiresin');
  const sign = createSigner(key);
  throwsTypeError(() => sign([] as never), 'claims');
  throwsTypeError(() => sign({ exp: '5' as never }), 'exp');
  throwsTypeError(() => sign({ nbf: Number.POSITIVE_INFINITY }), 'nbf');
  throwsTypeError(() => sign({ iss: ['a'] as never }), 'iss');
  throwsTypeError(() => sign({ aud: [1] as never }), 'aud');
  throwsTypeError(() => createSigner(key, { jti: () => 5 as never })({}), 'jti');
});
