import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { defaults, REMOTE_KEY_SET_DEFAULTS } from '@signet/jose';

function flatten(obj: object, prefix = ''): [string, unknown][] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null
      ? flatten(v, `${prefix}${k}.`)
      : [[`${prefix}${k}`, v] as [string, unknown]],
  );
}

test('the README defaults table matches the defaults module exactly', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const rows = new Map<string, number>();
  for (const m of readme.matchAll(/^\|\s*`([\w.]+)`\s*\|\s*(\d+)\s*\|/gm))
    rows.set(m[1] as string, Number(m[2]));
  const flat = flatten(defaults);
  assert.ok(flat.length >= 11);
  for (const [name, value] of flat) assert.equal(rows.get(name), value, `README default ${name}`);
});

test('defaults are frozen and shared with REMOTE_KEY_SET_DEFAULTS', () => {
  assert.ok(Object.isFrozen(defaults));
  assert.ok(Object.isFrozen(defaults.remoteKeySet));
  assert.equal(REMOTE_KEY_SET_DEFAULTS, defaults.remoteKeySet);
});

test('asymmetricAlgorithms is every supported algorithm except HMAC, ES256 first', async () => {
  const { algorithms, asymmetricAlgorithms } = await import('../src/index.js');
  assert.equal(asymmetricAlgorithms[0], 'ES256');
  assert.deepEqual([...asymmetricAlgorithms].sort(), algorithms.filter((a) => !a.startsWith('HS')).sort());
  assert.ok(Object.isFrozen(asymmetricAlgorithms));
});
