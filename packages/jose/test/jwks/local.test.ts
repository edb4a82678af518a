import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  createLocalKeySet,
  createSigner,
  createVerifier,
  exportJwk,
  generateKeyPair,
  type Jwk,
  signCompact,
  verifyCompact,
} from '@signet/jose';
import { throwsCode, throwsTypeError } from '../helpers.js';

const a = generateKeyPair('ES256', { kid: 'a' });
const b = generateKeyPair('ES256', { kid: 'b' });
const r = generateKeyPair('RS256', { kid: 'r' });

test('selects by kid and alg', () => {
  const set = createLocalKeySet({
    keys: [exportJwk(a.publicKey), exportJwk(b.publicKey), exportJwk(r.publicKey)],
  });
  assert.equal(set.keys.length, 3);
  assert.equal(set.select({ alg: 'ES256', kid: 'b' }).kid, 'b');
  assert.equal(set.select({ alg: 'RS256', kid: 'r' }).alg, 'RS256');
  throwsCode(() => set.select({ alg: 'ES256', kid: 'r' }), 'ERR_JWKS_NO_MATCHING_KEY');
  throwsCode(() => set.select({ alg: 'ES256', kid: 'zz' }), 'ERR_JWKS_NO_MATCHING_KEY');
  throwsCode(() => set.select({ alg: 'none', kid: 'a' }), 'ERR_JWKS_NO_MATCHING_KEY');
  const v = createVerifier(set);
  assert.equal(v(createSigner(b.privateKey)({})).key.kid, 'b');
  assert.equal(v(createSigner(r.privateKey)({})).key.kid, 'r');
});

test('a token without kid: the only key of that alg, else ambiguous', () => {
  const one = createLocalKeySet({ keys: [exportJwk(a.publicKey), exportJwk(r.publicKey)] });
  assert.equal(one.select({ alg: 'ES256' }).kid, 'a');
  const two = createLocalKeySet({ keys: [exportJwk(a.publicKey), exportJwk(b.publicKey)] });
  throwsCode(() => two.select({ alg: 'ES256' }), 'ERR_JWKS_MULTIPLE_MATCHING_KEYS');
  const tryAll = createLocalKeySet(
    { keys: [exportJwk(a.publicKey), exportJwk(b.publicKey)] },
    { duplicateKid: 'try-all' },
  );
  const token = signCompact('x', b.privateKey, { kid: undefined });
  assert.equal(JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid, undefined);
  assert.equal(verifyCompact(token, tryAll).key.kid, 'b');
  throwsCode(() => verifyCompact(token, two), 'ERR_JWKS_MULTIPLE_MATCHING_KEYS');
});

test('duplicate kid: rejected by default, tried in turn with try-all', () => {
  const c = generateKeyPair('ES256', { kid: 'a' });
  const jwks = { keys: [exportJwk(a.publicKey), exportJwk(c.publicKey)] };
  const token = createSigner(c.privateKey)({});
  throwsCode(() => createVerifier(createLocalKeySet(jwks))(token), 'ERR_JWKS_MULTIPLE_MATCHING_KEYS');
  const found = createVerifier(createLocalKeySet(jwks, { duplicateKid: 'try-all' }))(token).key;
  assert.equal(found.kid, 'a');
  assert.equal(createVerifier(found)(token).key, found);
  const tryAll = createLocalKeySet(jwks, { duplicateKid: 'try-all' });
  throwsCode(() => tryAll.select({ alg: 'ES256', kid: 'a' }), 'ERR_JWKS_MULTIPLE_MATCHING_KEYS');
  const forged = createSigner(generateKeyPair('ES256', { kid: 'a' }).privateKey)({});
  throwsCode(() => createVerifier(tryAll)(forged), 'ERR_JWS_SIGNATURE_INVALID');
});

test('an invalid duplicate of a kid still makes that kid ambiguous', () => {
  const good = exportJwk(a.publicKey);
  const broken: Jwk = { ...good, x: `${good.x}=` };
  const set = createLocalKeySet({ keys: [good, broken] });
  throwsCode(() => createVerifier(set)(createSigner(a.privateKey)({})), 'ERR_JWKS_MULTIPLE_MATCHING_KEYS');
});

test('entries that fail import are skipped, the rest work', () => {
  const weak = generateKeyPair('RS256', { modulusLength: 2048 });
  const keys: unknown[] = [
    { ...exportJwk(weak.publicKey), kid: 'enc', use: 'enc' },
    { kty: 'EC', crv: 'P-256', kid: 'bad', x: 'AA', y: 'AA' },
    { kty: 'RSA', kid: 'unk', alg: 'RS1', n: 'AQAB', e: 'AQAB' },
    'not an object',
    null,
    exportJwk(a.publicKey),
  ];
  const set = createLocalKeySet({ keys: keys as Jwk[] });
  assert.deepEqual(
    set.keys.map((k) => k.kid),
    ['a'],
  );
  throwsCode(() => set.select({ alg: 'RS256', kid: 'enc' }), 'ERR_JWKS_NO_MATCHING_KEY');
});

test('RSA keys without alg bind to the RS*/PS* algorithm a token asks for, never to HS*', () => {
  const pub = exportJwk(r.publicKey);
  delete pub.alg;
  const set = createLocalKeySet({ keys: [pub] });
  assert.equal(set.select({ alg: 'PS256', kid: 'r' }).alg, 'PS256');
  assert.equal(set.select({ alg: 'RS512', kid: 'r' }).alg, 'RS512');
  throwsCode(() => set.select({ alg: 'HS256', kid: 'r' }), 'ERR_JWKS_NO_MATCHING_KEY');
  throwsCode(() => set.select({ alg: 'ES256', kid: 'r' }), 'ERR_JWKS_NO_MATCHING_KEY');
  assert.ok(createVerifier(set)(createSigner(r.privateKey)({})));
});

test('the key JWK alg binds: a PS256 key is not used for PS384', () => {
  const ps = generateKeyPair('PS256', { kid: 'p' });
  const set = createLocalKeySet({ keys: [exportJwk(ps.publicKey)] });
  throwsCode(() => set.select({ alg: 'PS384', kid: 'p' }), 'ERR_JWKS_NO_MATCHING_KEY');
});

test('a set that mixes secrets and asymmetric keys is refused', () => {
  const secret = { kty: 'oct', k: randomBytes(32).toString('base64url'), alg: 'HS256', kid: 's' };
  throwsCode(() => createLocalKeySet({ keys: [secret, exportJwk(a.publicKey)] }), 'ERR_KEY_INVALID');
  assert.equal(createLocalKeySet({ keys: [secret] }).select({ alg: 'HS256', kid: 's' }).type, 'secret');
});

test('misuse → TypeError', () => {
  throwsTypeError(() => createLocalKeySet([] as never), 'jwks');
  throwsTypeError(() => createLocalKeySet({ keys: {} } as never), 'jwks');
  throwsTypeError(() => createLocalKeySet({ keys: [] }, { duplicateKid: 'first' as never }), 'duplicateKid');
});
