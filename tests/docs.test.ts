/**
 * The documentation is tested against the code: the configuration reference is generated from the
 * server's schema and defaults, and the security model names only tests that exist.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { configReference } from '../scripts/config-reference.ts';

const root = resolve(import.meta.dirname, '..');

test('docs/operations.md carries the configuration reference generated from the defaults', () => {
  const doc = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
  const normalize = (s: string) => s.replace(/[ \t]+/g, ' ').replace(/\| ?-+ ?/g, '|-');
  for (const row of configReference().split('\n').slice(2)) {
    assert.ok(normalize(doc).includes(normalize(row)), `missing or stale: ${row} (run npm run docs:config)`);
  }
});

test('every test file named in docs/security.md exists', () => {
  const doc = readFileSync(join(root, 'docs', 'security.md'), 'utf8');
  const named = [...doc.matchAll(/`((?:packages|tests)\/[^`]+\.test\.ts)`/g)].map((m) => m[1] as string);
  assert.ok(named.length > 10);
  for (const file of named) assert.ok(existsSync(join(root, file)), `${file} does not exist`);
});

test('examples/gateway-nginx/nginx.conf is the configuration the nginx end-to-end test runs', () => {
  const doc = readFileSync(join(root, 'docs', 'gateways.md'), 'utf8');
  const block = doc.split('```nginx\n')[1]?.split('```')[0] ?? '';
  const example = readFileSync(join(root, 'examples', 'gateway-nginx', 'nginx.conf'), 'utf8');
  const lines = (s: string) =>
    s
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  const body = lines(example.split('access_log off;')[1] ?? '').slice(0, -1);
  assert.ok(block.length > 100);
  assert.deepEqual(body, lines(block));
});
