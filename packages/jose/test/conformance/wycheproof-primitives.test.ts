/**
 * Wycheproof primitive vectors for every algorithm Signet supports. A primitive vector signs a raw
 * message, not a JWS signing input, so the cases go through the per-key verify function the JWS
 * layer itself calls (`verifyRaw`, src/lib/primitive.ts), after the key went through `importJwk` with all
 * its checks. Keys the import refuses count as rejection of every case of their group.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Alg, importJwk, type Jwk } from '@signet/jose';
import { verifyRaw } from '../../src/lib/primitive.js';
import { outcome, readVector, Tally, type WycheproofFile, type WycheproofResult } from './vectors.js';

interface PrimitiveCase {
  readonly tcId: number;
  readonly comment: string;
  readonly msg: string;
  readonly sig?: string;
  readonly tag?: string;
  readonly key?: string;
  readonly result: WycheproofResult;
}
interface PrimitiveGroup {
  readonly publicKeyJwk?: Jwk;
  readonly keyJwk?: Jwk;
  readonly publicKey?: { uncompressed?: string; curve?: string; modulus?: string; publicExponent?: string };
  readonly sha?: string;
  readonly mgfSha?: string;
  readonly sLen?: number;
  readonly keySize?: number;
  readonly tagSize?: number;
  readonly tests: readonly PrimitiveCase[];
}

/**
 * Valid-in-the-file cases a JWS verifier must refuse, by category: the JWS algorithms narrow
 * what the primitive allows. This is the second reviewed list (the first is in wycheproof-jose).
 */
const POLICY = {
  hmacShortKey: 'RFC 7518 §3.2 key too short',
  secp256k1: 'secp256k1 is not P-256: ES256 refuses the key (RFC 7518 §3.4; ES256K is another alg)',
  ed448: 'Ed448 is not supported: EdDSA is Ed25519 only (RFC 8037 §3.1 lets a verifier choose)',
  pssParams: 'PSS parameters other than RFC 7518 §3.5 (salt = hash length, MGF1 with the same hash)',
} as const;

const SHA: Record<string, { bits: number; suffix: '256' | '384' | '512' } | undefined> = {
  'SHA-256': { bits: 256, suffix: '256' },
  'SHA-384': { bits: 384, suffix: '384' },
  'SHA-512': { bits: 512, suffix: '512' },
};

const b64u = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

function ecJwk(g: PrimitiveGroup, crv: string): Jwk {
  if (g.publicKeyJwk) return g.publicKeyJwk;
  // A few groups carry only the raw point: 04 || x || y.
  const point = g.publicKey?.uncompressed ?? '';
  assert.ok(point.startsWith('04'), 'group without JWK must have an uncompressed point');
  const half = (point.length - 2) / 2;
  return { kty: 'EC', crv, x: b64u(point.slice(2, 2 + half)), y: b64u(point.slice(2 + half)) };
}

function rsaJwk(g: PrimitiveGroup): Jwk {
  const j = g.publicKeyJwk ?? g.keyJwk;
  if (j) return { kty: 'RSA', n: j.n, e: j.e } as Jwk;
  const strip = (hex: string) => hex.replace(/^(00)+/, '');
  return { kty: 'RSA', n: b64u(strip(g.publicKey!.modulus!)), e: b64u(strip(g.publicKey!.publicExponent!)) };
}

/** How one group is run. */
interface Plan {
  /** The algorithm the key is imported for. */
  alg: Alg;
  jwk: Jwk;
  /** Set when every valid case of the group must nevertheless be refused, and why. */
  policy?: string;
  /** Set when the group does not apply to JWS at all (not run, counted as skipped). */
  skip?: string;
}

type Planner = (g: PrimitiveGroup) => Plan;

function runFile(file: string, plan: Planner): void {
  test(`wycheproof primitives ${file}`, (t) => {
    const data = readVector<WycheproofFile<PrimitiveGroup>>(`wycheproof/primitives/${file}`);
    const tally = new Tally();
    for (const group of data.testGroups) {
      const p = plan(group);
      if (p.skip !== undefined) {
        for (const _ of group.tests) tally.skip(p.skip);
        continue;
      }
      for (const c of group.tests) {
        const context = `tcId ${c.tcId} ${c.comment} (${c.result})`;
        const jwk: Jwk = c.key !== undefined ? { kty: 'oct', k: b64u(c.key) } : p.jwk;
        tally.check(context, () => {
          const got = outcome(() => {
            const key = importJwk(jwk, { alg: p.alg });
            return verifyRaw(key, Buffer.from(c.msg, 'hex'), Buffer.from(c.sig ?? c.tag ?? '', 'hex'));
          }, context);
          const policy =
            c.key !== undefined && c.key.length / 2 < hashBytes(p.alg) ? POLICY.hmacShortKey : p.policy;
          const accepted = got.ok && got.value === true;
          if (got.ok) assert.equal(typeof got.value, 'boolean', 'verify returns a boolean');
          else tally.code(got.code);
          if (c.result === 'valid' && policy === undefined) {
            assert.ok(accepted, `must verify${got.ok ? '' : `, import refused: ${got.code}`}`);
          } else if (c.result === 'acceptable') {
            tally.note(
              `acceptable (either outcome conforms), ${accepted ? 'accepted' : 'rejected'}: ${c.comment}`,
            );
          } else {
            assert.ok(!accepted, 'must be rejected, was accepted');
            if (c.result === 'valid' && policy !== undefined) tally.review(policy);
          }
          // A short HMAC key and a refused curve must be refused at import, not only at verify.
          if (policy === POLICY.hmacShortKey || policy === POLICY.secp256k1 || policy === POLICY.ed448) {
            assert.ok(!got.ok, 'the key must be refused at import');
          }
        });
      }
    }
    t.diagnostic(tally.summary(file));
    assert.equal(tally.run + tally.skippedCount, data.numberOfTests);
    tally.assertAllPassed(file);
  });
}

function hashBytes(alg: Alg): number {
  return Number(alg.slice(2)) / 8;
}

const ecdsa =
  (alg: Alg, crv: string, policy?: string): Planner =>
  (g) => {
    assert.equal(g.sha, `SHA-${alg === 'ES512' ? 512 : alg.slice(2)}`, 'ECDSA group hash matches the alg');
    return { alg, jwk: ecJwk(g, crv), ...(policy ? { policy } : {}) };
  };

const eddsa =
  (policy?: string): Planner =>
  (g) => ({ alg: 'EdDSA', jwk: g.publicKeyJwk!, ...(policy ? { policy } : {}) });

const hmac =
  (alg: Alg): Planner =>
  (g) =>
    g.tagSize === hashBytes(alg) * 8
      ? { alg, jwk: { kty: 'oct' } }
      : { alg, jwk: { kty: 'oct' }, skip: `truncated ${g.tagSize}-bit tag: JWS HMAC tags are the full hash` };

const rsa =
  (alg: Alg): Planner =>
  (g) => {
    assert.equal(SHA[g.sha!]?.suffix, alg.slice(2), 'RSA group hash matches the alg');
    return { alg, jwk: rsaJwk(g) };
  };

// A PSS group applies to JWS when it uses one of the three hashes with MGF1 over the same hash and
// a salt as long as the hash. Anything else is verified with the PS alg of its hash (PS256 for
// hashes JWS lacks) and must fail: a verifier must not auto-detect the salt length.
const pss: Planner = (g) => {
  const sha = SHA[g.sha!];
  const alg = `PS${sha?.suffix ?? '256'}` as Alg;
  const applies = sha !== undefined && g.mgfSha === g.sha && g.sLen === sha.bits / 8;
  return { alg, jwk: rsaJwk(g), ...(applies ? {} : { policy: POLICY.pssParams }) };
};

runFile('ecdsa_secp256r1_sha256_p1363_test.json', ecdsa('ES256', 'P-256'));
runFile('ecdsa_secp384r1_sha384_p1363_test.json', ecdsa('ES384', 'P-384'));
runFile('ecdsa_secp521r1_sha512_p1363_test.json', ecdsa('ES512', 'P-521'));
runFile('ecdsa_secp256k1_sha256_p1363_test.json', ecdsa('ES256', 'secp256k1', POLICY.secp256k1));
runFile('ed25519_test.json', eddsa());
runFile('ed448_test.json', eddsa(POLICY.ed448));
runFile('hmac_sha256_test.json', hmac('HS256'));
runFile('hmac_sha384_test.json', hmac('HS384'));
runFile('hmac_sha512_test.json', hmac('HS512'));
for (const bits of [2048, 3072, 4096]) {
  for (const sha of [256, 384, 512])
    runFile(`rsa_signature_${bits}_sha${sha}_test.json`, rsa(`RS${sha}` as Alg));
}
for (const f of [
  'rsa_pss_2048_sha256_mgf1_32_test.json',
  'rsa_pss_2048_sha384_mgf1_48_test.json',
  'rsa_pss_3072_sha256_mgf1_32_test.json',
  'rsa_pss_4096_sha256_mgf1_32_test.json',
  'rsa_pss_4096_sha384_mgf1_48_test.json',
  'rsa_pss_4096_sha512_mgf1_64_test.json',
  'rsa_pss_misc_test.json',
]) {
  runFile(f, pss);
}
