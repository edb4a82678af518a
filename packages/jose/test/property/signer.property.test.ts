/**
 * Property: a compiled signer's payload is exactly `{ ...claims, <the claims the signer sets> }`
 * serialized by JSON.stringify — whatever the caller's claims, overlapping or not — so the
 * signer's precomputed fast path can never drift from the plain definition.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSigner, generateSecret, type JwtClaims, type SignerOptions } from '@signet/jose';
import fc from 'fast-check';

const RUNS = Number(process.env.SIGNET_PROPERTY_RUNS ?? 300);
const key = generateSecret('HS256');

const options = fc.record(
  {
    expiresIn: fc.integer({ min: 0, max: 10 ** 6 }),
    notBefore: fc.integer({ min: -3600, max: 3600 }),
    iat: fc.boolean(),
    issuer: fc.string(),
    subject: fc.string(),
    audience: fc.oneof(fc.string(), fc.array(fc.string(), { minLength: 1, maxLength: 3 })),
    jti: fc.constant((() => 'jti-fixed') as () => string),
  },
  { requiredKeys: [] },
);
const claimName = fc.oneof(
  fc.constantFrom('iat', 'exp', 'nbf', 'iss', 'sub', 'aud', 'jti', 'scope', '0', '12', '__proto__', 'toJSON'),
  fc.string({ maxLength: 8 }),
);
const claimValue = fc.oneof(fc.jsonValue(), fc.integer(), fc.string());
const claims = fc.dictionary(claimName, claimValue, { maxKeys: 6 });

/** RFC 7519 §4.1 types of the registered claims the signer checks. */
function wellTyped(p: JwtClaims): boolean {
  const date = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));
  const str = (v: unknown) => v === undefined || typeof v === 'string';
  const aud = p.aud;
  return (
    date(p.exp) &&
    date(p.nbf) &&
    date(p.iat) &&
    str(p.iss) &&
    str(p.sub) &&
    str(p.jti) &&
    (aud === undefined ||
      typeof aud === 'string' ||
      (Array.isArray(aud) && aud.every((a) => typeof a === 'string')))
  );
}

/** The plain definition: the caller's claims, then the signer's, in the documented order. */
function merged(c: JwtClaims, o: SignerOptions, nowMs: number): JwtClaims {
  const p: JwtClaims = { ...c };
  const t = Math.floor(nowMs / 1000);
  if (o.iat ?? true) p.iat = t;
  if (o.expiresIn !== undefined) p.exp = t + o.expiresIn;
  if (o.notBefore !== undefined) p.nbf = t + o.notBefore;
  if (o.issuer !== undefined) p.iss = o.issuer;
  if (o.subject !== undefined) p.sub = o.subject;
  if (o.audience !== undefined) p.aud = o.audience;
  if (typeof o.jti === 'function') p.jti = o.jti();
  return p;
}

test('signer payload equals JSON.stringify({ ...claims, ...signer claims })', () => {
  fc.assert(
    fc.property(claims, options, fc.integer({ min: 0, max: 4_000_000_000_000 }), (c, o, nowMs) => {
      const signer = createSigner(key, { ...o, now: () => nowMs });
      const want = merged(c as JwtClaims, o, nowMs);
      if (!wellTyped(want)) {
        // Wrongly typed registered claims from the caller are refused, as documented.
        assert.throws(() => signer(c as JwtClaims), TypeError);
        return;
      }
      const token = signer(c as JwtClaims);
      const payload = Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8');
      assert.equal(payload, JSON.stringify(want));
    }),
    { numRuns: RUNS * 2 },
  );
});
