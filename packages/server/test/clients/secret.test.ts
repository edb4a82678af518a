import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateClientId, generateClientSecret } from '../../src/clients/secret.js';
import { generateAdminToken } from '../../src/config/init.js';
import { Keyring } from '../../src/keys/kek.js';
import { randomIdentifier } from '../../src/random.js';

// A value starting with "-" reads as a flag on a command line: `signet token --client-secret -7_MB…`
// failed with "unknown option" for 1 secret in 64.
test('secrets, client ids and admin tokens never start with "-" and keep their length', () => {
  const strict = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
  for (let i = 0; i < 3000; i++) {
    const secret = generateClientSecret();
    const id = generateClientId();
    const admin = generateAdminToken();
    assert.match(Keyring.generate(), strict);
    assert.match(secret, strict);
    assert.match(id, strict);
    assert.match(admin, strict);
    assert.equal(secret.length, 43);
    assert.equal(id.length, 12);
    assert.equal(admin.length, 43);
  }
});

test('randomIdentifier still uses the whole alphabet after the first character', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) for (const c of randomIdentifier(8).slice(1)) seen.add(c);
  assert.equal(seen.size, 64);
});
