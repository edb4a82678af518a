/** Type tests: misuse of the public types must not compile (checked by `npx tsc -p test-tsconfig.json`). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Alg,
  createRemoteKeySet,
  createSigner,
  createVerifier,
  generateKeyPair,
  generateSecret,
  type Key,
  type VerifiedJwt,
} from '@signet/jose';

test('public types', () => {
  const secret = generateSecret('HS256');
  const verify = createVerifier(secret);
  const sync: (token: string) => VerifiedJwt = verify;
  assert.equal(typeof sync, 'function');
  const remote = createVerifier(createRemoteKeySet('https://issuer.example/jwks'));
  const asyncResult: (token: string) => Promise<VerifiedJwt> = remote;
  assert.equal(typeof asyncResult, 'function');
  // @ts-expect-error a remote verifier is asynchronous
  const wrong: (token: string) => VerifiedJwt = remote;
  void wrong;
  // @ts-expect-error HS* only
  assert.throws(() => generateSecret('RS256'));
  // @ts-expect-error 'none' is not an Alg
  const none: Alg = 'none';
  void none;
  const key: Key = generateKeyPair('ES256').privateKey;
  // @ts-expect-error keys are read-only
  assert.throws(() => (key.alg = 'HS256'));
  // @ts-expect-error unknown signer option
  assert.throws(() => createSigner(key, { expiresInSeconds: 5 }));
  // @ts-expect-error exp must be a number
  assert.throws(() => createSigner(key)({ exp: 'tomorrow' }));
});
