import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSigner, decodeUnverified, generateSecret } from '@signet/jose';
import { b64, throwsCode } from '../helpers.js';

test('decodes header and payload without verifying the signature', () => {
  const token = createSigner(generateSecret('HS256'), { iat: false })({ sub: 'x' });
  const forged = `${token.slice(0, token.lastIndexOf('.'))}.AAAA`;
  const { header, payload } = decodeUnverified(forged);
  assert.equal(header.alg, 'HS256');
  assert.deepEqual(payload, { sub: 'x' });
});

test('applies the same strict parsing', () => {
  throwsCode(() => decodeUnverified('a.b'), 'ERR_JWS_INVALID');
  throwsCode(() => decodeUnverified(`${b64({ alg: 'HS256' })}.${b64('[1]')}.AAAA`), 'ERR_JWT_INVALID');
  throwsCode(
    () => decodeUnverified(`${b64({ alg: 'HS256' })}.${b64('{"a":1,"a":2}')}.AAAA`),
    'ERR_JWT_INVALID',
  );
  throwsCode(() => decodeUnverified(`${b64('{"alg":"x","alg":"y"}')}.${b64({})}.AAAA`), 'ERR_JWS_INVALID');
});

test('unknown crit extensions do not prevent decoding (nothing is relied on)', () => {
  const { header } = decodeUnverified(`${b64({ alg: 'HS256', crit: ['x'], x: 1 })}.${b64({})}.AAAA`);
  assert.deepEqual(header.crit, ['x']);
});
