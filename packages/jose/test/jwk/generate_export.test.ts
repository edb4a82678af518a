import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Alg,
  createSigner,
  createVerifier,
  exportJwk,
  generateKeyPair,
  generateSecret,
  importJwk,
  jwkThumbprint,
  publicKeyOf,
} from '@signet/jose';
import { throwsTypeError } from '../helpers.js';

const ASYMMETRIC: Alg[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

test('generateKeyPair: every asymmetric alg, kid defaults to the RFC 7638 thumbprint', () => {
  for (const alg of ASYMMETRIC) {
    const { privateKey, publicKey } = generateKeyPair(alg);
    assert.equal(privateKey.alg, alg);
    assert.equal(publicKey.type, 'public');
    assert.equal(privateKey.type, 'private');
    assert.equal(publicKey.kid, jwkThumbprint(exportJwk(publicKey)));
    assert.equal(privateKey.kid, publicKey.kid);
  }
  assert.equal(generateKeyPair('ES256', { kid: 'mine' }).publicKey.kid, 'mine');
});

test('generateKeyPair misuse → TypeError', () => {
  throwsTypeError(() => generateKeyPair('HS256'), 'generateSecret');
  throwsTypeError(() => generateKeyPair('none' as never), 'alg');
  throwsTypeError(() => generateKeyPair('RS256', { modulusLength: 1024 }), 'modulusLength');
});

test('generateSecret: hash-length random secrets', () => {
  for (const [alg, len] of [
    ['HS256', 32],
    ['HS384', 48],
    ['HS512', 64],
  ] as const) {
    const key = generateSecret(alg, { kid: 's' });
    assert.equal(key.type, 'secret');
    assert.equal(key.kid, 's');
    assert.equal(Buffer.from(exportJwk(key, { private: true }).k as string, 'base64url').length, len);
  }
  throwsTypeError(() => generateSecret('RS256' as never), 'alg');
});

test('exportJwk: public by default with kid, alg and use; private on request', () => {
  const { privateKey } = generateKeyPair('ES256', { kid: 'k1' });
  const pub = exportJwk(privateKey);
  assert.equal(pub.d, undefined);
  assert.equal(pub.kid, 'k1');
  assert.equal(pub.alg, 'ES256');
  assert.equal(pub.use, 'sig');
  const priv = exportJwk(privateKey, { private: true });
  assert.equal(typeof priv.d, 'string');
  const back = importJwk(priv);
  assert.equal(back.type, 'private');
  const token = createSigner(back)({});
  assert.ok(createVerifier(importJwk(pub))(token));
});

test('exportJwk misuse → TypeError', () => {
  const { publicKey } = generateKeyPair('EdDSA');
  throwsTypeError(() => exportJwk(publicKey, { private: true }), 'private');
  throwsTypeError(() => exportJwk(generateSecret('HS256')), 'private');
  throwsTypeError(() => exportJwk({ alg: 'HS256', kid: undefined, type: 'secret' }), 'Key');
});

test('publicKeyOf returns a verify-only key', () => {
  const { privateKey } = generateKeyPair('PS256');
  const pub = publicKeyOf(privateKey);
  assert.equal(pub.type, 'public');
  assert.equal(pub.alg, 'PS256');
  assert.equal(publicKeyOf(pub), pub);
  throwsTypeError(() => createSigner(pub), 'public');
  assert.ok(createVerifier(pub)(createSigner(privateKey)({})));
  throwsTypeError(() => publicKeyOf(generateSecret('HS256')), 'secret');
});
