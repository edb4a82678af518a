import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planRotation, publishedAt, signerAt } from '../../src/keys/rotation.js';
import type { SigningKeyRecord } from '../../src/store/types.js';

const t = { rotationPeriod: 3600, publishAhead: 600, maxTtl: 900, clockSkew: 60 };

function key(kid: string, p: Partial<SigningKeyRecord>): SigningKeyRecord {
  return {
    kid,
    alg: 'ES256',
    state: 'active',
    publicJwk: '{}',
    privateKeyEnc: '',
    createdAt: 0,
    activatesAt: 0,
    retiresAt: 3600,
    removesAt: 3600 + 960,
    revokedAt: null,
    ...p,
  };
}

describe('planRotation', () => {
  it('creates a first key that signs at once', () => {
    const plan = planRotation([], 1000, t);
    assert.deepEqual(plan.create, { activatesAt: 1000, retiresAt: 4600, removesAt: 4600 + 960 });
  });

  it('does nothing while the signer is far from retirement', () => {
    const plan = planRotation([key('a', {})], 2000, t);
    assert.equal(plan.create, undefined);
    assert.deepEqual(plan.update, []);
  });

  it('creates the successor publishAhead before the switch, at the signer’s retirement', () => {
    const plan = planRotation([key('a', {})], 3000, t);
    assert.equal(plan.create?.activatesAt, 3600);
  });

  it('a late tick delays the switch so the successor is still published publishAhead ahead', () => {
    const plan = planRotation([key('a', {})], 5000, t);
    assert.equal(plan.create?.activatesAt, 5600);
    const patch = plan.update.find((u) => u.kid === 'a')?.patch;
    assert.equal(patch?.retiresAt, 5600);
    assert.equal(patch?.removesAt, 5600 + 960);
  });

  it('marks states by the clock and removes keys past removesAt (never the signer)', () => {
    const keys = [
      key('old', { activatesAt: -3600, retiresAt: 0, removesAt: 960, state: 'active' }),
      key('a', { activatesAt: 0, retiresAt: 3600, state: 'next' }),
      key('gone', { activatesAt: -7200, retiresAt: -3600, removesAt: -100, state: 'retired' }),
      key('rev', { activatesAt: -7200, removesAt: -1, state: 'revoked' }),
    ];
    const plan = planRotation(keys, 100, t);
    assert.deepEqual(plan.remove.sort(), ['gone', 'rev']);
    assert.deepEqual(plan.update.find((u) => u.kid === 'old')?.patch, { state: 'retired' });
    assert.deepEqual(plan.update.find((u) => u.kid === 'a')?.patch, { state: 'active' });
  });

  it('selects the signer and the published keys by time; revoked keys are neither', () => {
    const keys = [
      key('a', { activatesAt: 0, retiresAt: 3600, removesAt: 4560 }),
      key('b', { activatesAt: 3600, retiresAt: 7200, removesAt: 8160, state: 'next' }),
      key('r', { activatesAt: 100, state: 'revoked' }),
    ];
    assert.equal(signerAt(keys, 3599)?.kid, 'a');
    assert.equal(signerAt(keys, 3600)?.kid, 'b');
    assert.deepEqual(
      publishedAt(keys, 3000).map((k) => k.kid),
      ['a', 'b'],
    );
    assert.deepEqual(
      publishedAt(keys, 4560).map((k) => k.kid),
      ['b'],
    );
  });

  it('keeps a signer past its planned removal published', () => {
    const plan = planRotation(
      [
        key('a', { activatesAt: 0, retiresAt: 3600, removesAt: 4560 }),
        key('b', { activatesAt: 9000, retiresAt: 12600, removesAt: 13560, state: 'next' }),
      ],
      5000,
      t,
    );
    const patch = plan.update.find((u) => u.kid === 'a')?.patch;
    assert.ok(patch?.removesAt !== undefined && patch.removesAt >= 5000 + 960);
  });
});
