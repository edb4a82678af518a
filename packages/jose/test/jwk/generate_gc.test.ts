/**
 * Node 20: a KeyObject straight from generateKeyPairSync shares a lock with its generation job until
 * the job is garbage-collected; a JWK export (holding the lock, allocating) that triggers that
 * collection deadlocks the process. generateKeyPair imports freshly encoded keys instead. Run in a
 * child process, so a regression fails on the timeout instead of hanging the suite.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const CHILD = `
import { exportJwk, generateKeyPair } from '@signet/jose';
let junk = [];
for (let i = 0; i < 3000; i++) {
  const { privateKey, publicKey } = generateKeyPair(i % 2 ? 'ES256' : 'EdDSA', { kid: 'k' });
  for (let j = 0; j < 4; j++) {
    junk.push('x'.repeat(1000) + j);
    if (junk.length > 20000) junk = [];
    exportJwk(j % 2 ? privateKey : publicKey, { private: j % 2 === 1 });
  }
}
console.log('done');
`;

test('generated keys export as JWK under garbage-collection pressure without deadlocking', () => {
  const r = spawnSync(
    process.execPath,
    ['--conditions=signet-source', '--import', 'tsx', '--input-type=module', '-e', CHILD],
    { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' },
  );
  assert.equal(r.signal, null, `the child hung (killed after 60 s): ${r.stderr.slice(-500)}`);
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  assert.equal(r.stdout.trim(), 'done');
});
