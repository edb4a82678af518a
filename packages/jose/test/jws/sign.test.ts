import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeUnverified,
  generateKeyPair,
  generateSecret,
  publicKeyOf,
  signCompact,
  verifyCompact,
} from '@signet/jose';
import { throwsTypeError } from '../helpers.js';

test('signCompact: alg and kid from the key, extra header parameters kept', () => {
  const key = generateSecret('HS384', { kid: 'k' });
  const jws = signCompact(new Uint8Array([1, 2, 3]), key, { typ: 'example', cty: 'x' });
  const { header, payload } = verifyCompact(jws, key);
  assert.deepEqual({ ...header }, { alg: 'HS384', typ: 'example', cty: 'x', kid: 'k' });
  assert.deepEqual([...payload], [1, 2, 3]);
});

test('signCompact: header.kid overrides the key kid; header.alg equal to the key alg is accepted', () => {
  const key = generateSecret('HS256', { kid: 'k' });
  assert.equal(decodeUnverified(signCompact('{}', key, { kid: 'other', alg: 'HS256' })).header.kid, 'other');
});

test('signCompact: strings are UTF-8', () => {
  const key = generateSecret('HS256');
  assert.equal(Buffer.from(verifyCompact(signCompact('é€', key), key).payload).toString('utf8'), 'é€');
});

test('signCompact misuse → TypeError', () => {
  const key = generateSecret('HS256');
  throwsTypeError(() => signCompact('x', key, { alg: 'HS512' }), 'alg');
  throwsTypeError(() => signCompact('x', key, { alg: 'none' }), 'alg');
  throwsTypeError(() => signCompact('x', key, { b64: false }), 'b64');
  throwsTypeError(() => signCompact('x', key, [] as never), 'header');
  throwsTypeError(() => signCompact(5 as never, key), 'payload');
  throwsTypeError(() => signCompact('x', publicKeyOf(generateKeyPair('ES256').privateKey)), 'public');
  throwsTypeError(() => signCompact('x', { alg: 'HS256', kid: undefined, type: 'secret' }), 'Key');
});
