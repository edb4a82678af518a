import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { exportJwk, generateKeyPair, importJwk, type Jwk } from '@signet/jose';
import { nodePublicJwk, throwsCode, throwsTypeError } from '../helpers.js';

const ec256 = (): Jwk => nodePublicJwk('ec', { namedCurve: 'P-256' }) as Jwk;
const rsa = (bits = 2048): Jwk => nodePublicJwk('rsa', { modulusLength: bits }) as Jwk;
const oct = (bytes: number): Jwk => ({ kty: 'oct', k: randomBytes(bytes).toString('base64url') });

test('binds the algorithm from the JWK, the option, or the curve', () => {
  assert.equal(importJwk({ ...ec256(), alg: 'ES256' }).alg, 'ES256');
  assert.equal(importJwk(ec256(), { alg: 'ES256' }).alg, 'ES256');
  assert.equal(importJwk(ec256()).alg, 'ES256');
  assert.equal(importJwk(rsa(), { alg: 'PS384' }).alg, 'PS384');
  const ed = nodePublicJwk('ed25519') as Jwk;
  assert.equal(importJwk(ed).alg, 'EdDSA');
});

test('JWK alg and option alg that differ → ERR_KEY_INVALID', () => {
  throwsCode(() => importJwk({ ...rsa(), alg: 'RS256' }, { alg: 'PS256' }), 'ERR_KEY_INVALID');
});

test('RSA or oct without any alg → ERR_KEY_INVALID', () => {
  throwsCode(() => importJwk(rsa()), 'ERR_KEY_INVALID');
  throwsCode(() => importJwk(oct(32)), 'ERR_KEY_INVALID');
});

test('unknown algorithm names, including none and ES521 → ERR_KEY_INVALID', () => {
  for (const alg of ['none', 'ES521', 'HS1', 'RS1', 'ES256K', 'Ed25519', '__proto__', 'toString']) {
    throwsCode(() => importJwk({ ...ec256(), alg }), 'ERR_KEY_INVALID');
  }
  throwsCode(() => importJwk(ec256(), { alg: 'none' as never }), 'ERR_KEY_INVALID');
});

test('RSA keys under 2048 bits → ERR_KEY_INVALID', () => {
  throwsCode(() => importJwk(rsa(1024), { alg: 'RS256' }), 'ERR_KEY_INVALID');
  throwsCode(() => importJwk(rsa(2040), { alg: 'PS256' }), 'ERR_KEY_INVALID');
  assert.equal(importJwk(rsa(3072), { alg: 'RS256' }).alg, 'RS256');
});

test('RSA public exponent 1, even, or 2 → ERR_KEY_INVALID', () => {
  const base = rsa();
  for (const e of ['AQ', 'Ag', 'AQAA', 'BA']) {
    throwsCode(() => importJwk({ ...base, e }, { alg: 'RS256' }), 'ERR_KEY_INVALID');
  }
  assert.equal(importJwk({ ...base, e: 'Aw' }, { alg: 'RS256' }).alg, 'RS256'); // e = 3 is allowed
});

test('HMAC keys empty or shorter than the hash → ERR_KEY_INVALID', () => {
  throwsCode(() => importJwk({ kty: 'oct', k: '' }, { alg: 'HS256' }), 'ERR_KEY_INVALID');
  throwsCode(() => importJwk(oct(31), { alg: 'HS256' }), 'ERR_KEY_INVALID');
  throwsCode(() => importJwk(oct(47), { alg: 'HS384' }), 'ERR_KEY_INVALID');
  throwsCode(() => importJwk(oct(63), { alg: 'HS512' }), 'ERR_KEY_INVALID');
  assert.equal(importJwk(oct(32), { alg: 'HS256' }).type, 'secret');
  assert.equal(importJwk(oct(64), { alg: 'HS512' }).alg, 'HS512');
});

test('EC points not on the curve → ERR_KEY_INVALID (node refuses them, we check it stays so)', () => {
  const jwk = ec256();
  const y = Buffer.from(jwk.y as string, 'base64url');
  y[31] = (y[31] as number) ^ 1;
  throwsCode(() => importJwk({ ...jwk, y: y.toString('base64url') }), 'ERR_KEY_INVALID');
  const zero = Buffer.alloc(32).toString('base64url');
  throwsCode(() => importJwk({ ...jwk, x: zero, y: zero }), 'ERR_KEY_INVALID');
});

test('curve must match the algorithm: secp256k1 and P-384 are not ES256', () => {
  const k1 = nodePublicJwk('ec', { namedCurve: 'secp256k1' }) as Jwk;
  throwsCode(() => importJwk(k1, { alg: 'ES256' }), 'ERR_KEY_INVALID');
  throwsCode(() => importJwk(k1), 'ERR_KEY_INVALID');
  const p384 = nodePublicJwk('ec', { namedCurve: 'P-384' }) as Jwk;
  throwsCode(() => importJwk(p384, { alg: 'ES256' }), 'ERR_KEY_INVALID');
  throwsCode(() => importJwk({ ...p384, crv: 'P-256' }, { alg: 'ES256' }), 'ERR_KEY_INVALID');
  const ed448 = nodePublicJwk('ed448') as Jwk;
  throwsCode(() => importJwk(ed448, { alg: 'EdDSA' }), 'ERR_KEY_INVALID');
});

test('key type must match the algorithm family (no RSA for HS*, no oct for RS*)', () => {
  throwsCode(() => importJwk(rsa(), { alg: 'HS256' }), 'ERR_KEY_INVALID');
  throwsCode(() => importJwk(oct(64), { alg: 'RS256' }), 'ERR_KEY_INVALID');
  throwsCode(() => importJwk(ec256(), { alg: 'EdDSA' }), 'ERR_KEY_INVALID');
  throwsCode(() => importJwk(ec256(), { alg: 'RS256' }), 'ERR_KEY_INVALID');
});

test('unknown kty → ERR_JOSE_NOT_SUPPORTED', () => {
  throwsCode(() => importJwk({ kty: 'AKP', alg: 'ES256' }), 'ERR_JOSE_NOT_SUPPORTED');
});

test('use other than sig → ERR_KEY_INVALID', () => {
  throwsCode(() => importJwk({ ...ec256(), use: 'enc' }), 'ERR_KEY_INVALID');
  assert.equal(importJwk({ ...ec256(), use: 'sig' }).alg, 'ES256');
});

test('key_ops must allow verify for public keys, sign for private keys', () => {
  throwsCode(() => importJwk({ ...ec256(), key_ops: ['sign'] }), 'ERR_KEY_INVALID');
  throwsCode(() => importJwk({ ...ec256(), key_ops: ['encrypt'] }), 'ERR_KEY_INVALID');
  throwsCode(() => importJwk({ ...ec256(), key_ops: 'verify' as never }), 'ERR_KEY_INVALID');
  assert.equal(importJwk({ ...ec256(), key_ops: ['verify'] }).type, 'public');
  const priv = exportJwk(generateKeyPair('ES256').privateKey, { private: true });
  throwsCode(() => importJwk({ ...priv, key_ops: ['verify'] }), 'ERR_KEY_INVALID');
  assert.equal(importJwk({ ...priv, key_ops: ['sign'] }).type, 'private');
  throwsCode(() => importJwk({ ...oct(32), key_ops: ['encrypt'] }, { alg: 'HS256' }), 'ERR_KEY_INVALID');
});

test('binary members must be strict base64url of the right length', () => {
  const jwk = ec256();
  throwsCode(() => importJwk({ ...jwk, x: `${jwk.x}=` }), 'ERR_KEY_INVALID');
  throwsCode(() => importJwk({ ...jwk, x: ` ${jwk.x}` }), 'ERR_KEY_INVALID');
  throwsCode(() => importJwk({ ...jwk, x: (jwk.x as string).slice(1) }), 'ERR_KEY_INVALID');
  throwsCode(() => importJwk({ ...jwk, x: 5 as never }), 'ERR_KEY_INVALID');
});

test('kid comes from the JWK or the option, and must be a string', () => {
  assert.equal(importJwk({ ...ec256(), kid: 'a' }).kid, 'a');
  assert.equal(importJwk({ ...ec256(), kid: 'a' }, { kid: 'b' }).kid, 'b');
  assert.equal(importJwk(ec256()).kid, undefined);
  throwsCode(() => importJwk({ ...ec256(), kid: 1 as never }), 'ERR_KEY_INVALID');
});

test('misuse throws TypeError', () => {
  throwsTypeError(() => importJwk(null as never), 'jwk');
  throwsTypeError(() => importJwk('{}' as never), 'jwk');
});

test('keys are immutable and do not leak material through JSON or inspect', async () => {
  const key = importJwk({ ...oct(32), kid: 'k' }, { alg: 'HS256' });
  assert.ok(Object.isFrozen(key));
  assert.throws(() => {
    (key as { alg: string }).alg = 'none';
  });
  assert.deepEqual(JSON.parse(JSON.stringify(key)), { alg: 'HS256', kid: 'k', type: 'secret' });
  const { inspect } = await import('node:util');
  assert.doesNotMatch(inspect(key, { showHidden: true, depth: 5 }), /"k"|KeyObject|symmetricKeySize/);
});

test('multi-prime RSA ("oth") → ERR_JOSE_NOT_SUPPORTED', () => {
  const priv = exportJwk(generateKeyPair('RS256').privateKey, { private: true });
  throwsCode(
    () => importJwk({ ...priv, oth: [{ r: 'AQAB', d: 'AQAB', t: 'AQAB' }] }),
    'ERR_JOSE_NOT_SUPPORTED',
  );
});
