/**
 * Interoperability with the libraries people use instead (jose 6, fast-jwt, jsonwebtoken), for
 * every algorithm: tokens Signet signs verify there, and theirs verify here — as JWTs with
 * claim checks, and (jose) as bare compact JWS over arbitrary bytes.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  type Alg,
  createLocalKeySet,
  exportJwk,
  generateKeyPair,
  generateSecret,
  type Jwk,
  type Key,
  signCompact,
  signJwt,
  verifyCompact,
  verifyJwt,
} from '@signet/jose';
import { createSigner, createVerifier } from 'fast-jwt';
import {
  CompactSign,
  compactVerify,
  createLocalJWKSet,
  exportJWK,
  importJWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import jsonwebtoken from 'jsonwebtoken';

const ALGS: readonly Alg[] = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
/** Where a peer truly lacks an algorithm (checked below: the peer itself refuses it). */
const PEER_LACKS: Readonly<Record<string, readonly Alg[]>> = { jsonwebtoken: ['EdDSA'] };

const ISSUER = 'https://issuer.interop.example';
const AUDIENCE = 'urn:interop:api';
const SUBJECT = 'client-42';

interface Material {
  signKey: Key;
  verifyKey: Key;
  /** node KeyObjects for fast-jwt (as PEM/bytes) and jsonwebtoken. */
  signObject: KeyObject;
  verifyObject: KeyObject;
  signJwk: Jwk;
  verifyJwk: Jwk;
}

function material(alg: Alg): Material {
  if (alg.startsWith('HS')) {
    const secret = generateSecret(alg as 'HS256' | 'HS384' | 'HS512');
    const jwk = exportJwk(secret, { private: true });
    const object = createSecretKey(Buffer.from(jwk.k!, 'base64url'));
    return {
      signKey: secret,
      verifyKey: secret,
      signObject: object,
      verifyObject: object,
      signJwk: jwk,
      verifyJwk: jwk,
    };
  }
  const { privateKey, publicKey } = generateKeyPair(alg);
  const signJwk = exportJwk(privateKey, { private: true });
  const verifyJwk = exportJwk(publicKey);
  return {
    signKey: privateKey,
    verifyKey: publicKey,
    signObject: createPrivateKey({ key: signJwk as never, format: 'jwk' }),
    verifyObject: createPublicKey({ key: verifyJwk as never, format: 'jwk' }),
    signJwk,
    verifyJwk,
  };
}

const pem = (k: KeyObject): string | Buffer =>
  k.type === 'secret'
    ? k.export()
    : (k.export({ type: k.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }) as string);

function assertClaims(payload: Record<string, unknown>, context: string): void {
  assert.equal(payload.sub, SUBJECT, `${context}: sub`);
  assert.equal(payload.iss, ISSUER, `${context}: iss`);
  assert.equal(payload.aud, AUDIENCE, `${context}: aud`);
  assert.equal(typeof payload.exp, 'number', `${context}: exp`);
}

describe('interop: Signet ⇄ jose, fast-jwt, jsonwebtoken', () => {
  test('jsonwebtoken really lacks EdDSA (the one skip below)', () => {
    const { privateKey } = createPrivateKeyPair();
    assert.throws(() => jsonwebtoken.sign({ sub: SUBJECT }, privateKey, { algorithm: 'EdDSA' as never }));
  });

  for (const alg of ALGS) {
    describe(alg, () => {
      const m = material(alg);
      const verifyOptions = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };
      const signetToken = signJwt({ sub: SUBJECT }, m.signKey, {
        issuer: ISSUER,
        audience: AUDIENCE,
        expiresIn: 300,
      });

      test('Signet → jose (jwtVerify)', async () => {
        const key = await importJWK(m.verifyJwk as never, alg);
        const { payload, protectedHeader } = await jwtVerify(signetToken, key, verifyOptions);
        assertClaims(payload, 'jose');
        assert.equal(protectedHeader.alg, alg);
      });
      test('Signet → fast-jwt', () => {
        const verify = createVerifier({
          key: pem(m.verifyObject),
          algorithms: [alg],
          allowedIss: ISSUER,
          allowedAud: AUDIENCE,
        });
        assertClaims(verify(signetToken), 'fast-jwt');
      });
      test('Signet → jsonwebtoken', (t) => {
        if (PEER_LACKS.jsonwebtoken?.includes(alg)) return t.skip('jsonwebtoken 9 has no EdDSA');
        const payload = jsonwebtoken.verify(signetToken, m.verifyObject, {
          algorithms: [alg as jsonwebtoken.Algorithm],
          issuer: ISSUER,
          audience: AUDIENCE,
        });
        assertClaims(payload as Record<string, unknown>, 'jsonwebtoken');
      });

      test('jose → Signet', async () => {
        const key = await importJWK(m.signJwk as never, alg);
        const token = await new SignJWT({ sub: SUBJECT })
          .setProtectedHeader({ alg, typ: 'JWT' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(key);
        const { payload, header } = verifyJwt(token, m.verifyKey, verifyOptions);
        assertClaims(payload, 'Signet from jose');
        assert.equal(header.alg, alg);
      });
      test('fast-jwt → Signet', () => {
        const sign = createSigner({
          key: pem(m.signObject),
          algorithm: alg,
          iss: ISSUER,
          aud: AUDIENCE,
          expiresIn: 300_000,
        });
        assertClaims(
          verifyJwt(sign({ sub: SUBJECT }), m.verifyKey, verifyOptions).payload,
          'Signet from fast-jwt',
        );
      });
      test('jsonwebtoken → Signet', (t) => {
        if (PEER_LACKS.jsonwebtoken?.includes(alg)) return t.skip('jsonwebtoken 9 has no EdDSA');
        const token = jsonwebtoken.sign({ sub: SUBJECT }, m.signObject, {
          algorithm: alg as jsonwebtoken.Algorithm,
          issuer: ISSUER,
          audience: AUDIENCE,
          expiresIn: 300,
        });
        assertClaims(verifyJwt(token, m.verifyKey, verifyOptions).payload, 'Signet from jsonwebtoken');
      });

      test('key sets: Signet JWKS → jose createLocalJWKSet, jose JWK → Signet createLocalKeySet', async (t) => {
        if (alg.startsWith('HS')) return t.skip('a published key set holds public keys only');
        const ours = { keys: [exportJwk(m.verifyKey)] };
        const { payload } = await jwtVerify(signetToken, createLocalJWKSet(ours as never), verifyOptions);
        assertClaims(payload, 'jose with Signet JWKS');
        const theirJwk = {
          ...(await exportJWK(await importJWK(m.verifyJwk as never, alg))),
          alg,
          kid: 'peer-1',
        };
        const key = await importJWK(m.signJwk as never, alg);
        const token = await new SignJWT({ sub: SUBJECT })
          .setProtectedHeader({ alg, kid: 'peer-1' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime('5m')
          .sign(key);
        const set = createLocalKeySet({ keys: [theirJwk as Jwk] });
        assertClaims(verifyJwt(token, set, verifyOptions).payload, 'Signet with jose JWKS');
      });

      test('compact JWS over arbitrary bytes, both directions with jose', async () => {
        const bytes = new Uint8Array([0, 1, 2, 0xfe, 0xff, 0x2e, 0x7b]);
        const joseSignKey = await importJWK(m.signJwk as never, alg);
        const joseVerifyKey = await importJWK(m.verifyJwk as never, alg);
        const theirs = await new CompactSign(bytes).setProtectedHeader({ alg }).sign(joseSignKey);
        assert.deepEqual(Buffer.from(verifyCompact(theirs, m.verifyKey).payload), Buffer.from(bytes));
        const ours = signCompact(bytes, m.signKey);
        assert.deepEqual(Buffer.from((await compactVerify(ours, joseVerifyKey)).payload), Buffer.from(bytes));
      });
    });
  }
});

function createPrivateKeyPair(): { privateKey: KeyObject } {
  const { privateKey } = generateKeyPair('EdDSA');
  return {
    privateKey: createPrivateKey({ key: exportJwk(privateKey, { private: true }) as never, format: 'jwk' }),
  };
}
