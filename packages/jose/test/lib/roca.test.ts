import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { importJwk, type Jwk } from '@signet/jose';
import { hasRocaFingerprint } from '../../src/lib/roca.js';
import { nodePublicJwk, throwsCode } from '../helpers.js';

// The ROCA key of Wycheproof's json_web_key_test.json (data written by others).
const vectors = JSON.parse(
  readFileSync(
    new URL('../../../../../shared/vectors/wycheproof/jose/json_web_key_test.json', import.meta.url),
    'utf8',
  ),
) as { testGroups: { comment: string; public?: { keys: Jwk[] } }[] };
const rocaJwk = vectors.testGroups.find((g) => g.comment === 'jws_rsa_roca_key')?.public?.keys[0] as Jwk;

test('the Wycheproof ROCA modulus has the fingerprint', () => {
  assert.ok(rocaJwk, 'ROCA key present in the vectors');
  assert.equal(hasRocaFingerprint(Buffer.from(rocaJwk.n as string, 'base64url')), true);
});

test('importJwk refuses the ROCA key with ERR_KEY_INVALID', () => {
  const e = throwsCode(() => importJwk(rocaJwk), 'ERR_KEY_INVALID');
  assert.match(e.message, /ROCA/);
});

test('freshly generated OpenSSL moduli do not have the fingerprint', () => {
  for (let i = 0; i < 5; i++) {
    const n = nodePublicJwk('rsa', { modulusLength: 2048 }).n as string;
    assert.equal(hasRocaFingerprint(Buffer.from(n, 'base64url')), false);
  }
});

test('an empty modulus is not flagged', () => {
  assert.equal(hasRocaFingerprint(new Uint8Array(0)), false);
});
