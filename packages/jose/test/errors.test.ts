import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as jose from '@signet/jose';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

const exportedErrorClasses = Object.values(jose).filter(
  (v): v is typeof jose.JoseError =>
    typeof v === 'function' && (v === jose.JoseError || v.prototype instanceof jose.JoseError),
);

test('every exported error class is in errorClasses, and the other way round', () => {
  assert.deepEqual(new Set(exportedErrorClasses), new Set(jose.errorClasses));
  assert.ok(exportedErrorClasses.length >= 14);
});

test('every exported error code is documented in the README table with its class', () => {
  for (const cls of exportedErrorClasses) {
    const row = readme.split('\n').find((line) => new RegExp(`^\\|\\s*\`${cls.code}\`\\s*\\|`).test(line));
    assert.ok(row, `README documents ${cls.code}`);
    assert.ok(row.includes(`\`${cls.name}\``), `README row of ${cls.code} names ${cls.name}`);
  }
});

test('codes are distinct and instances carry the static code', () => {
  const codes = exportedErrorClasses.map((c) => c.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const cls of exportedErrorClasses) {
    const e =
      (cls as unknown) === jose.JwtClaimInvalid
        ? new jose.JwtClaimInvalid('m', 'aud', 'missing')
        : new (cls as new (m: string) => jose.JoseError)('m');
    assert.equal(e.code, cls.code);
    assert.equal(e.name, cls.name);
    assert.ok(e instanceof jose.JoseError);
    assert.ok(e instanceof Error);
  }
});

test('expiry errors are claim errors with claim and reason', () => {
  const e = new jose.JwtExpired('x');
  assert.ok(e instanceof jose.JwtClaimInvalid);
  assert.equal(e.claim, 'exp');
  const n = new jose.JwtNotYetValid('x');
  assert.equal(n.claim, 'nbf');
});

test('the README documents every public function', () => {
  for (const [name, value] of Object.entries(jose)) {
    if (typeof value !== 'function' || exportedErrorClasses.includes(value as typeof jose.JoseError))
      continue;
    assert.ok(readme.includes(`\`${name}(`), `README documents ${name}`);
  }
});
