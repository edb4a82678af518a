import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lru } from '../../src/lib/lru.js';

test('evicts the least recently used entry past capacity', () => {
  const lru = new Lru<string, number>(2);
  lru.set('a', 1);
  lru.set('b', 2);
  assert.equal(lru.get('a'), 1); // a is now most recent
  lru.set('c', 3); // evicts b
  assert.equal(lru.get('b'), undefined);
  assert.equal(lru.get('a'), 1);
  assert.equal(lru.get('c'), 3);
  assert.equal(lru.size, 2);
});

test('re-setting a key does not grow it; delete and clear work', () => {
  const lru = new Lru<string, number>(2);
  lru.set('a', 1);
  lru.set('a', 2);
  assert.equal(lru.size, 1);
  assert.equal(lru.get('a'), 2);
  lru.delete('a');
  assert.equal(lru.size, 0);
  lru.set('x', 1);
  lru.clear();
  assert.equal(lru.get('x'), undefined);
});
