import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canonicalTail,
  decodeBase64url,
  decodeStrictRange,
  encodeBase64url,
  isBase64url,
} from '../../src/lib/base64url.js';

test('round-trips bytes of every length 0..40', () => {
  for (let n = 0; n <= 40; n++) {
    const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
    const s = encodeBase64url(bytes);
    assert.ok(isBase64url(s));
    assert.deepEqual(decodeBase64url(s), bytes);
  }
});

test('refuses padding, whitespace, the standard alphabet and other characters', () => {
  for (const bad of [
    'Zm9v=',
    'Zm9vYg==',
    'Zm 9v',
    'Zm9v\n',
    ' Zm9v',
    'Zm+v',
    'Zm/v',
    'Zm9?',
    'Zm9v.',
    'Zé9v',
  ]) {
    assert.equal(isBase64url(bad), false, bad);
    assert.equal(decodeBase64url(bad), undefined, bad);
  }
});

test('refuses non-canonical trailing bits (same bytes, different string)', () => {
  // "Zm9vYg" is canonical for "foob"; "Zm9vYh" decodes to the same bytes in lenient decoders.
  assert.equal(isBase64url('Zm9vYg'), true);
  assert.equal(isBase64url('Zm9vYh'), false);
  // 3 chars mod 4: the low 2 bits of the last char must be zero.
  assert.equal(isBase64url('Zm9'), false);
  assert.equal(isBase64url('Zm8'), true);
});

test('refuses lengths of 1 mod 4', () => {
  assert.equal(isBase64url('A'), false);
  assert.equal(isBase64url('AAAAA'), false);
  assert.equal(canonicalTail('xxAAAAAxx', 2, 7), false);
});

test('encodes strings as UTF-8', () => {
  assert.equal(encodeBase64url('é'), Buffer.from('é', 'utf8').toString('base64url'));
});

test('decodeStrictRange agrees with isBase64url on random strings over a hostile alphabet', () => {
  const chars = 'AQgw_-+/=. \n?é€\u0100Zz09';
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < 20000; i++) {
    let s = '';
    const len = rand(12);
    for (let j = 0; j < len; j++) s += chars[rand(chars.length)];
    const strict = isBase64url(s);
    const decoded = decodeStrictRange(`x${s}y`, 1, s.length + 1);
    assert.equal(decoded !== undefined, strict, JSON.stringify(s));
    if (decoded !== undefined) assert.deepEqual(decoded, Buffer.from(s, 'base64url'));
  }
});
