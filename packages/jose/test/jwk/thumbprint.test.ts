import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generateKeyPair, importJwk, type Jwk, jwkThumbprint } from '@signet/jose';
import { thumbprintInput } from '../../src/jwk/thumbprint.js';
import { throwsCode, throwsTypeError } from '../helpers.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/rfc7638-thumbprint.json', import.meta.url), 'utf8'),
) as {
  jwk: Jwk;
  canonicalJson: string;
  thumbprintSha256: string;
};

test('RFC 7638 §3.1: canonical JSON and SHA-256 thumbprint', () => {
  assert.equal(thumbprintInput(fixture.jwk), fixture.canonicalJson);
  assert.equal(jwkThumbprint(fixture.jwk), fixture.thumbprintSha256);
});

test('RFC 7638 §3.1 through an imported Key gives the same thumbprint', () => {
  assert.equal(jwkThumbprint(importJwk(fixture.jwk)), fixture.thumbprintSha256);
});

test('optional members do not change the thumbprint; other digests differ in length', () => {
  assert.equal(jwkThumbprint({ ...fixture.jwk, use: 'sig', x5c: ['x'] }), fixture.thumbprintSha256);
  assert.equal(Buffer.from(jwkThumbprint(fixture.jwk, 'sha384'), 'base64url').length, 48);
  assert.equal(Buffer.from(jwkThumbprint(fixture.jwk, 'sha512'), 'base64url').length, 64);
});

test('private and public halves have the same thumbprint', () => {
  const { privateKey, publicKey } = generateKeyPair('ES384');
  assert.equal(jwkThumbprint(privateKey), jwkThumbprint(publicKey));
});

test('missing members → ERR_KEY_INVALID; bad digest → TypeError', () => {
  throwsCode(() => jwkThumbprint({ kty: 'RSA', e: 'AQAB' }), 'ERR_KEY_INVALID');
  throwsCode(() => jwkThumbprint({ kty: 'XYZ' }), 'ERR_KEY_INVALID');
  throwsTypeError(() => jwkThumbprint(fixture.jwk, 'md5' as never), 'digest');
});
