/** RFC 7515 Appendix A.1–A.4, transcribed from the RFC text into fixtures/rfc7515-appendix-a.json. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { type Alg, createLocalKeySet, importJwk, type Jwk, publicKeyOf, verifyCompact } from '@signet/jose';
import { internalOf } from '../../src/lib/key.js';
import { throwsCode } from '../helpers.js';

interface Example {
  section: string;
  alg: Alg;
  deterministic: boolean;
  protectedHeaderUtf8: string;
  protectedHeader: string;
  payloadUtf8: string;
  payload: string;
  jwk: Jwk;
  signature: string;
}

const { examples } = JSON.parse(
  readFileSync(new URL('../fixtures/rfc7515-appendix-a.json', import.meta.url), 'utf8'),
) as { examples: Example[] };

for (const ex of examples) {
  const compact = `${ex.protectedHeader}.${ex.payload}.${ex.signature}`;

  test(`RFC 7515 ${ex.section} (${ex.alg}): encodings match the RFC`, () => {
    assert.equal(Buffer.from(ex.protectedHeaderUtf8, 'utf8').toString('base64url'), ex.protectedHeader);
    assert.equal(Buffer.from(ex.payloadUtf8, 'utf8').toString('base64url'), ex.payload);
  });

  test(`RFC 7515 ${ex.section} (${ex.alg}): the compact JWS verifies and yields the payload`, () => {
    const key = importJwk(ex.jwk, { alg: ex.alg });
    const verifyKey = key.type === 'private' ? publicKeyOf(key) : key;
    const r = verifyCompact(compact, verifyKey);
    assert.equal(Buffer.from(r.payload).toString('utf8'), ex.payloadUtf8);
    assert.equal(r.header.alg, ex.alg);
    // through a key set too (the examples have no kid: the only key of that alg is selected)
    const pub = { ...ex.jwk, alg: ex.alg };
    if (pub.kty !== 'oct') delete pub.d;
    assert.ok(verifyCompact(compact, createLocalKeySet({ keys: [pub] })));
  });

  test(`RFC 7515 ${ex.section} (${ex.alg}): signing the same input ${ex.deterministic ? 'gives the same bytes' : 'verifies'}`, () => {
    const key = importJwk(ex.jwk, { alg: ex.alg });
    const input = `${ex.protectedHeader}.${ex.payload}`;
    const sig = internalOf(key).sign?.(input);
    assert.ok(sig);
    if (ex.deterministic) assert.equal(sig.toString('base64url'), ex.signature);
    const resigned = `${input}.${sig.toString('base64url')}`;
    assert.ok(verifyCompact(resigned, key.type === 'private' ? publicKeyOf(key) : key));
  });

  test(`RFC 7515 ${ex.section} (${ex.alg}): a changed payload fails with ERR_JWS_SIGNATURE_INVALID`, () => {
    const key = importJwk(ex.jwk, { alg: ex.alg });
    const other = Buffer.from(`${ex.payloadUtf8} `, 'utf8').toString('base64url');
    throwsCode(
      () => verifyCompact(`${ex.protectedHeader}.${other}.${ex.signature}`, key),
      'ERR_JWS_SIGNATURE_INVALID',
    );
  });
}
