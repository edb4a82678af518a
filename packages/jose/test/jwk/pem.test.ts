import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { createSigner, createVerifier, importPem } from '@signet/jose';
import { throwsCode, throwsTypeError } from '../helpers.js';

test('imports SPKI and PKCS#8 PEM bound to the given algorithm', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const priv = importPem(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'ES256', {
    kid: 'p',
  });
  const pub = importPem(publicKey.export({ type: 'spki', format: 'pem' }) as string, 'ES256');
  assert.equal(priv.type, 'private');
  assert.equal(priv.kid, 'p');
  assert.equal(pub.type, 'public');
  const token = createSigner(priv)({ sub: 'x' });
  assert.equal(createVerifier(pub)(token).payload.sub, 'x');
});

test('imports PKCS#1 and SEC1 PEM', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  assert.equal(
    importPem(rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string, 'PS256').type,
    'private',
  );
  assert.equal(
    importPem(rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string, 'RS256').type,
    'public',
  );
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  assert.equal(
    importPem(ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string, 'ES384').alg,
    'ES384',
  );
});

test("the algorithm is the caller's: an RSA PEM for ES256 or HS256 is refused", () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  throwsCode(() => importPem(pem, 'ES256'), 'ERR_KEY_INVALID');
  // The classic confusion: a public key PEM used as an HMAC secret.
  throwsCode(() => importPem(pem, 'HS256'), 'ERR_KEY_INVALID');
});

test('weak RSA PEM and garbage → ERR_KEY_INVALID; unknown alg → ERR_KEY_INVALID', () => {
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
  throwsCode(
    () => importPem(weak.publicKey.export({ type: 'spki', format: 'pem' }) as string, 'RS256'),
    'ERR_KEY_INVALID',
  );
  throwsCode(
    () => importPem('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', 'ES256'),
    'ERR_KEY_INVALID',
  );
  throwsCode(() => importPem('not a pem', 'EdDSA'), 'ERR_KEY_INVALID');
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  throwsCode(
    () => importPem(ec.publicKey.export({ type: 'spki', format: 'pem' }) as string, 'XX' as never),
    'ERR_KEY_INVALID',
  );
});

test('an encrypted private key without passphrase → ERR_KEY_INVALID', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = ec.privateKey.export({
    type: 'pkcs8',
    format: 'pem',
    cipher: 'aes-256-cbc',
    passphrase: 'pw',
  }) as string;
  throwsCode(() => importPem(pem, 'ES256'), 'ERR_KEY_INVALID');
});

test('misuse throws TypeError', () => {
  throwsTypeError(() => importPem(Buffer.from('x') as never, 'ES256'), 'pem');
});
