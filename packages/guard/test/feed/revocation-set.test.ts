import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FeedEntry, RevocationSet } from '../../src/feed/revocation-set.js';

const NOW = 1_900_000_000;
const entry = (kind: FeedEntry['kind'], value: string, extra: Partial<FeedEntry> = {}): FeedEntry => ({
  seq: 1,
  kind,
  value,
  not_before: null,
  expires_at: NOW + 600,
  ...extra,
});

describe('RevocationSet', () => {
  it('jti and kid kill exactly the matching tokens while the entry lives', () => {
    const set = new RevocationSet();
    set.apply(entry('jti', 'j1'));
    set.apply(entry('kid', 'k1'));
    assert.equal(set.match('j1', 'k0', 's', 'c', NOW, NOW), 'jti');
    assert.equal(set.match('j2', 'k1', 's', 'c', NOW, NOW), 'kid');
    assert.equal(set.match('j2', 'k0', 's', 'c', NOW, NOW), undefined);
    assert.equal(set.match(undefined, undefined, undefined, undefined, 0, NOW), undefined);
    // Expired entries kill nothing, before and after a sweep.
    assert.equal(set.match('j1', undefined, undefined, undefined, NOW, NOW + 600), undefined);
    assert.equal(set.sweep(NOW + 600), 2);
    assert.equal(set.size, 0);
  });

  it('subject and client cut-offs kill tokens issued before not_before only', () => {
    const set = new RevocationSet();
    set.apply(entry('subject', 'alice', { not_before: NOW }));
    set.apply(entry('client', 'c1', { not_before: NOW - 100 }));
    assert.equal(set.match('j', 'k', 'alice', 'c9', NOW - 1, NOW), 'subject');
    assert.equal(set.match('j', 'k', 'alice', 'c9', NOW, NOW), undefined);
    assert.equal(set.match('j', 'k', 'bob', 'c1', NOW - 101, NOW), 'client');
    assert.equal(set.match('j', 'k', 'bob', 'c1', NOW - 100, NOW), undefined);
    // No iat counts as issued at 0: killed by any cut-off.
    assert.equal(set.match(undefined, undefined, 'alice', undefined, 0, NOW), 'subject');
    // A null not_before kills every token of the subject.
    set.apply(entry('subject', 'mallory', { not_before: null }));
    assert.equal(set.match(undefined, undefined, 'mallory', undefined, NOW + 500, NOW), 'subject');
  });

  it('widens on repeated entries (latest cut-off, latest expiry) and is idempotent', () => {
    const set = new RevocationSet();
    set.apply(entry('client', 'c', { not_before: NOW - 50, expires_at: NOW + 100 }));
    set.apply(entry('client', 'c', { not_before: NOW - 10, expires_at: NOW + 50 }));
    set.apply(entry('client', 'c', { not_before: NOW - 10, expires_at: NOW + 50 }));
    assert.equal(set.size, 1);
    assert.equal(set.match(undefined, undefined, undefined, 'c', NOW - 20, NOW + 99), 'client');
    assert.equal(set.match(undefined, undefined, undefined, 'c', NOW - 20, NOW + 100), undefined);
    set.apply(entry('jti', 'j', { expires_at: NOW + 100 }));
    set.apply(entry('jti', 'j', { expires_at: NOW + 10 }));
    assert.equal(set.match('j', undefined, undefined, undefined, 0, NOW + 50), 'jti');
    assert.deepEqual(set.sizes(), { jti: 1, kid: 0, subject: 0, client: 1 });
  });

  it('sweep drops only what expired', () => {
    const set = new RevocationSet();
    for (let i = 0; i < 100; i++) set.apply(entry('jti', `j${i}`, { expires_at: NOW + i }));
    set.apply(entry('subject', 's', { not_before: NOW, expires_at: NOW + 10 }));
    // j0…j50 (expires_at ≤ now) and the subject go; j51…j99 stay.
    assert.equal(set.sweep(NOW + 50), 52);
    assert.equal(set.size, 49);
    assert.equal(set.match('j50', undefined, 's', undefined, 0, NOW), undefined);
    assert.equal(set.match('j51', undefined, undefined, undefined, 0, NOW), 'jti');
  });
});
