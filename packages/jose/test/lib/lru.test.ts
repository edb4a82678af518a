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

test('a hit on an entry in the newest quarter keeps it in place; an older one moves to the end', () => {
  const lru = new Lru<number, number>(8); // quarter: 2
  for (let i = 0; i < 8; i++) lru.set(i, i);
  assert.equal(lru.get(6), 6); // newest quarter: stays
  assert.equal(lru.get(1), 1); // older: moves to the end
  lru.set(8, 8); // evicts 0, the oldest
  lru.set(9, 9); // evicts 2 (1 was moved)
  assert.equal(lru.get(0), undefined);
  assert.equal(lru.get(2), undefined);
  assert.equal(lru.get(1), 1);
  assert.equal(lru.size, 8);
  for (let i = 10; i < 15; i++) lru.set(i, i); // evicts 3, 4, 5, 6, 7: 6 was never moved
  assert.equal(lru.get(6), undefined);
  assert.equal(lru.get(1), 1);
});
