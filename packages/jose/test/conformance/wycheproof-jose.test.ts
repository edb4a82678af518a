/**
 * Wycheproof JOSE vectors through the JWS layer: json_web_signature_test.json,
 * json_web_key_test.json and the JWS groups of json_web_crypto_test.json. Every case is expected
 * exactly as the file says, except the ONE reviewed list below (from ../shared/vectors/README.md).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Alg, createLocalKeySet, importJwk, type Jwk, type Jwks, verifyCompact } from '@signet/jose';
import { outcome, readVector, Tally, type WycheproofFile, type WycheproofResult } from './vectors.js';

interface JoseCase {
  readonly tcId: number;
  readonly comment: string;
  readonly jws?: string | Record<string, unknown>;
  readonly result: WycheproofResult;
  readonly flags: readonly string[];
}
interface JoseGroup {
  readonly comment: string;
  readonly public?: Jwk | Jwks;
  readonly private?: Jwk | Jwks;
  readonly tests: readonly JoseCase[];
}

/**
 * The reviewed expectations Signet reverses (../shared/vectors/README.md), all of them.
 * `skip`: no implementation can satisfy the file; `reject`: the file says valid, a strict verifier refuses.
 */
const REVIEWED: ReadonlyArray<{
  readonly file: string;
  readonly tcIds: readonly number[];
  readonly expect: 'skip' | 'reject';
  readonly reason: string;
}> = [
  {
    file: 'json_web_signature_test.json',
    tcIds: [367, 370],
    expect: 'skip',
    reason: 'byte-identical to tcId 357 (valid): no implementation can satisfy both',
  },
  {
    file: 'json_web_signature_test.json',
    tcIds: [372, 373],
    expect: 'reject',
    reason: "a '?' inside a base64url segment: strict base64url refuses it",
  },
  {
    file: 'json_web_signature_test.json',
    tcIds: [346, 350],
    expect: 'reject',
    reason: "JWK alg PS256 used for a PS384 token: the key's alg binds",
  },
  {
    file: 'json_web_signature_test.json',
    tcIds: [347, 351],
    expect: 'reject',
    reason: 'JWK alg "ES521" is not a registered algorithm',
  },
];

const reviewed = (file: string, tcId: number) =>
  REVIEWED.find((r) => r.file === file && r.tcIds.includes(tcId));

function headerAlg(jws: string): Alg | undefined {
  try {
    const header = JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as unknown;
    const alg = (header as { alg?: unknown } | null)?.alg;
    return typeof alg === 'string' && /^(HS|RS|PS|ES)(256|384|512)$|^EdDSA$/.test(alg)
      ? (alg as Alg)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies one case: imports the group's key (a JWKS becomes a local key set) and verifies the
 * compact token. A JWK without `alg` is imported for the token's algorithm, as an application
 * that configured that key for that algorithm would; a refused import counts as a rejection.
 */
function verifyCase(group: JoseGroup, jws: string) {
  const source = group.public ?? group.private;
  assert.ok(source, `group ${group.comment} has no key`);
  if ('keys' in source && Array.isArray(source.keys))
    return verifyCompact(jws, createLocalKeySet(source as Jwks));
  const jwk = source as Jwk;
  const alg = jwk.alg === undefined ? headerAlg(jws) : undefined;
  return verifyCompact(jws, importJwk(jwk, alg === undefined ? {} : { alg }));
}

function runFile(file: string, filter: (g: JoseGroup) => boolean): void {
  test(`wycheproof ${file}`, (t) => {
    const data = readVector<WycheproofFile<JoseGroup>>(`wycheproof/jose/${file}`);
    const groups = data.testGroups.filter(filter);
    const tally = new Tally();
    const byId = new Map<number, string>();
    for (const g of groups) for (const c of g.tests) if (typeof c.jws === 'string') byId.set(c.tcId, c.jws);

    for (const group of groups) {
      for (const c of group.tests) {
        const review = reviewed(file, c.tcId);
        const context = `tcId ${c.tcId} ${group.comment}/${c.comment} (${c.result})`;
        // A JWS in JSON serialization arrives as JSON text; the compact verifier must refuse it.
        const jws = typeof c.jws === 'string' ? c.jws : JSON.stringify(c.jws);
        if (review?.expect === 'skip') {
          // The skip reason is itself checked: the case really is a copy of tcId 357.
          assert.equal(jws, byId.get(357), `${context}: reviewed skip no longer matches tcId 357`);
          tally.skip(review.reason);
          continue;
        }
        tally.check(context, () => {
          const got = outcome(() => verifyCase(group, jws), context);
          if (c.result === 'valid' && review === undefined) {
            assert.ok(got.ok, `must verify, got ${got.ok ? '' : got.code}`);
            const [h, p] = jws.split('.');
            assert.deepEqual(Buffer.from(got.value.payload), Buffer.from(p!, 'base64url'), 'payload bytes');
            assert.equal(got.value.header.alg, JSON.parse(Buffer.from(h!, 'base64url').toString()).alg);
          } else if (c.result === 'acceptable') {
            tally.note(
              `acceptable (either outcome conforms), ${got.ok ? 'accepted' : `rejected ${got.code}`}`,
            );
          } else {
            assert.ok(!got.ok, 'must be rejected, was accepted');
            tally.code(got.code);
            if (review) tally.review(review.reason);
          }
        });
      }
    }
    t.diagnostic(tally.summary(file));
    assert.equal(
      tally.run + tally.skippedCount,
      data.testGroups.filter(filter).reduce((n, g) => n + g.tests.length, 0),
    );
    tally.assertAllPassed(file);
  });
}

const isJws = (g: JoseGroup) => g.tests.every((c) => c.jws !== undefined);

runFile('json_web_signature_test.json', () => true);
runFile('json_web_key_test.json', () => true);
runFile('json_web_crypto_test.json', isJws);

test('wycheproof json_web_key_test.json: every key of an all-invalid single-key group is refused at import', (t) => {
  const data = readVector<WycheproofFile<JoseGroup>>('wycheproof/jose/json_web_key_test.json');
  const refused: string[] = [];
  for (const group of data.testGroups) {
    const source = group.public ?? group.private;
    const keys = source && 'keys' in source ? (source as Jwks).keys : [];
    if (keys.length !== 1 || group.tests.some((c) => c.result !== 'invalid')) continue;
    const jwk = keys[0]!;
    const got = outcome(() => importJwk(jwk), `${group.comment} import`);
    assert.ok(!got.ok, `${group.comment}: the key must be refused at import`);
    assert.match(got.code, /^ERR_(KEY_INVALID|JOSE_NOT_SUPPORTED)$/, group.comment);
    refused.push(`${group.comment}=${got.code}`);
  }
  t.diagnostic(`refused at import: ${refused.join(' ')}`);
  assert.ok(refused.length >= 15, `expected the key-quality groups, got ${refused.length}`);
});
