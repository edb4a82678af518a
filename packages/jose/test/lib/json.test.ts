import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deepFreeze, isJsonObject, MAX_JSON_DEPTH, parseStrictJson } from '../../src/lib/json.js';

test('parses ordinary JSON', () => {
  const r = parseStrictJson('{"a":1,"b":[1,{"c":"x:y"}],"d":{"e":null}}');
  assert.ok(r.ok);
  assert.deepEqual(r.value, { a: 1, b: [1, { c: 'x:y' }], d: { e: null } });
});

test('rejects duplicate member names at any depth', () => {
  for (const text of [
    '{"a":1,"a":2}',
    '{"a":{"b":1,"b":1}}',
    '{"x":[{"k":1,"k":2}]}',
    '{"a":{"deep":{"x":1}},"a":1}',
    '{"a":1,"\\u0061":2}',
  ]) {
    const r = parseStrictJson(text);
    assert.deepEqual(r, { ok: false, reason: 'duplicate' }, text);
  }
});

test('colons and braces inside strings, with escapes, do not confuse the scanner', () => {
  const r = parseStrictJson('{"a":"{:}[\\"\\\\:","b":"\\":"}');
  assert.ok(r.ok);
  assert.deepEqual(r.value, { a: '{:}["\\:', b: '":' });
});

test('rejects nesting deeper than the cap', () => {
  const ok = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
  assert.ok(parseStrictJson(ok).ok);
  const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
  assert.deepEqual(parseStrictJson(deep), { ok: false, reason: 'depth' });
  const deepObj = `${'{"a":'.repeat(50)}1${'}'.repeat(50)}`;
  assert.deepEqual(parseStrictJson(deepObj), { ok: false, reason: 'depth' });
});

test('rejects a "__proto__" member and nothing gets polluted', () => {
  for (const text of ['{"__proto__":{"polluted":1}}', '{"a":{"__proto__":{"polluted":1}}}']) {
    assert.deepEqual(parseStrictJson(text), { ok: false, reason: 'proto' });
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('rejects invalid JSON without throwing', () => {
  for (const text of ['', '{', '{"a":1,}', "{'a':1}", 'NaN', '{"a":1}x']) {
    assert.deepEqual(parseStrictJson(text), { ok: false, reason: 'syntax' }, text);
  }
});

test('isJsonObject and deepFreeze', () => {
  assert.equal(isJsonObject([]), false);
  assert.equal(isJsonObject(null), false);
  assert.equal(isJsonObject({}), true);
  const v = deepFreeze({ a: { b: [1] } });
  assert.ok(Object.isFrozen(v.a.b));
});
