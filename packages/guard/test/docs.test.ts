import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GUARD_DEFAULTS } from '../src/index.js';

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const errorsSource = readFileSync(fileURLToPath(new URL('../src/errors.ts', import.meta.url)), 'utf8');

describe('README', () => {
  it('documents every GuardError code', () => {
    const codes = [...errorsSource.matchAll(/'(ERR_GUARD_[A-Z_]+)'/g)].map((m) => m[1]!);
    assert.ok(codes.length >= 4);
    for (const code of new Set(codes)) assert.ok(readme.includes(`\`${code}\``), code);
  });
  it('states the defaults of src/defaults.ts', () => {
    const row = (name: string) =>
      readme.split('\n').find((l) => new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`).test(l)) ?? '';
    assert.ok(row('algorithms').includes(GUARD_DEFAULTS.algorithms.join(' ')));
    assert.ok(row('clockTolerance').includes(`\`${GUARD_DEFAULTS.clockTolerance}\``));
    assert.ok(row('realm').includes(`\`${GUARD_DEFAULTS.realm}\``));
    assert.ok(row('allowQueryToken').includes(`\`${GUARD_DEFAULTS.allowQueryToken}\``));
    assert.ok(row('authRequired').includes(`\`${GUARD_DEFAULTS.authRequired}\``));
    assert.ok(row('typ').includes(`\`${GUARD_DEFAULTS.typ}\``));
    for (const [k, v] of Object.entries(GUARD_DEFAULTS.jwks))
      assert.ok(row(`jwks.${k}`).includes(`\`${v}\``), k);
  });
});
