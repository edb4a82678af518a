/**
 * RFC 7515 Appendix A.1–A.4 and RFC 7638 §3.1, transcribed from the RFC text into fixtures/.
 * The signatures only verify with the exact transcribed keys, so the fixtures check themselves.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  type Alg,
  importJwk,
  type Jwk,
  jwkThumbprint,
  publicKeyOf,
  verifyCompact,
  verifyJwt,
} from '@signet/jose';
import { internalOf } from '../../src/lib/key.js';
import { rejectionCode } from './vectors.js';

interface Example {
  readonly section: string;
  readonly alg: Alg;
  readonly reproducible: boolean;
  readonly key: Jwk;
  readonly protectedHeader: string;
  readonly payload: string;
  readonly compact: string;
}

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
const { examples } = fixture<{ examples: Example[] }>('rfc7515-appendix-a.json');
const b64u = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
/** One second before the examples' `exp` (1300819380). */
const beforeExp = () => 1300819379_000;

for (const ex of examples) {
  test(`RFC 7515 ${ex.section} (${ex.alg})`, () => {
    const [h, p, s] = ex.compact.split('.');
    // The fixture's text matches its own encoded segments (CRLFs and spaces included).
    assert.equal(h, b64u(ex.protectedHeader));
    assert.equal(p, b64u(ex.payload));

    const key = importJwk(ex.key, { alg: ex.alg });
    const verifying = key.type === 'private' ? publicKeyOf(key) : key;
    const jws = verifyCompact(ex.compact, verifying);
    assert.equal(Buffer.from(jws.payload).toString('utf8'), ex.payload);
    assert.equal(jws.header.alg, ex.alg);

    if (ex.payload.startsWith('{')) {
      // A JWT: valid before its 2011 expiry, expired now.
      const jwt = verifyJwt(ex.compact, verifying, { now: beforeExp });
      assert.equal(jwt.payload.iss, 'joe');
      assert.equal(jwt.payload['http://example.com/is_root'], true);
      assert.equal(
        rejectionCode(() => verifyJwt(ex.compact, verifying), ex.section),
        'ERR_JWT_EXPIRED',
      );
    } else {
      // A.4 signs "Payload", which is no JWT.
      assert.equal(
        rejectionCode(() => verifyJwt(ex.compact, verifying), ex.section),
        'ERR_JWT_INVALID',
      );
    }
    if (ex.reproducible) {
      const sign = internalOf(key).sign;
      assert.ok(sign);
      assert.equal(sign(`${h}.${p}`).toString('base64url'), s, `${ex.section} re-signs to the same bytes`);
    }
    // One changed signature character fails, and never with anything but a JoseError.
    const changed = `${h}.${p}.${s!.slice(0, 10)}${s![10] === 'A' ? 'B' : 'A'}${s!.slice(11)}`;
    assert.equal(
      rejectionCode(() => verifyCompact(changed, verifying), ex.section),
      'ERR_JWS_SIGNATURE_INVALID',
    );
  });
}

test('RFC 7638 §3.1 thumbprint', () => {
  const t = fixture<{ jwk: Jwk; canonical: string; thumbprint: string }>('rfc7638.json');
  assert.equal(jwkThumbprint(t.jwk), t.thumbprint);
  assert.equal(jwkThumbprint(importJwk(t.jwk)), t.thumbprint);
  // The thumbprint is SHA-256 over the canonical members only (kid/alg excluded).
  assert.equal(createHash('sha256').update(t.canonical).digest('base64url'), t.thumbprint);
});
