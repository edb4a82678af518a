/**
 * The contenders of the jose benchmark: for one algorithm, a sign case and a verify case, each
 * with the raw node:crypto primitive, Signet, fast-jwt, jsonwebtoken and jose doing the same
 * work with the same claim checks (iss, aud, exp).
 */
import {
  type Alg,
  createSigner as signetCreateSigner,
  createVerifier as signetCreateVerifier,
  importJwk,
  type Jwk,
} from '@signet/jose';
import { createSigner as fjCreateSigner, createVerifier as fjCreateVerifier } from 'fast-jwt';
import { importJWK, jwtVerify, SignJWT } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import type { BenchCase, Contender } from '../lib/runner.js';
import { type AlgFixture, AUDIENCE, ISSUER, LIFETIME_S, SUBJECT } from './fixtures.js';

/** Peers that lack an algorithm, with the reason printed under the table. */
export const MISSING: Readonly<Record<string, readonly string[]>> = {
  jsonwebtoken: ['EdDSA'],
};

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`benchmark self-check failed: ${what}`);
}

const nowS = (): number => Math.floor(Date.now() / 1000);
const payload = () => ({ sub: SUBJECT });

/** Sign and verify cases for one algorithm; every contender is called once first as a self-check. */
export async function algCases(f: AlgFixture): Promise<BenchCase[]> {
  const alg = f.alg;
  const signetSignKey = importJwk(f.signJwk as Jwk, { alg: alg as Alg });
  const signetVerifyKey = importJwk(f.verifyJwk as Jwk, { alg: alg as Alg });
  const joseSignKey = await importJWK(f.signJwk, alg);
  const joseVerifyKey = await importJWK(f.verifyJwk, alg);
  const jwtAvailable = !(MISSING.jsonwebtoken ?? []).includes(alg);

  const headerSegment = f.signingInputText.slice(0, f.signingInputText.indexOf('.'));

  // ---- sign: the signed claims are iss, aud, sub, iat, exp in every library
  const signetSign = signetCreateSigner(signetSignKey, {
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: LIFETIME_S,
  });
  const fjSign = fjCreateSigner({
    key: f.signPem,
    algorithm: alg,
    iss: ISSUER,
    aud: AUDIENCE,
    expiresIn: LIFETIME_S * 1000,
  });
  const sign: Contender[] = [
    // The primitive turns the signing input text into the signature segment: node:crypto plus
    // the two conversions any JWS signer must do, and none of the JOSE work (JSON, claims).
    {
      name: 'node:crypto',
      kind: 'primitive',
      fn: () => f.primitiveSign(Buffer.from(f.signingInputText, 'latin1')).toString('base64url'),
    },
    { name: 'node:crypto, bytes only', kind: 'reference', fn: () => f.primitiveSign(f.signingInput) },
    // The least any JWT signer must do on top of the primitive: the time, JSON.stringify of the
    // claims, base64url, the joins. A floor that shows how much of the primitive a signer can keep.
    {
      name: 'floor: primitive + JSON + base64url',
      kind: 'reference',
      fn: () => {
        const iat = nowS();
        const claims = { ...payload(), iat, exp: iat + LIFETIME_S, iss: ISSUER, aud: AUDIENCE };
        const input = `${headerSegment}.${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}`;
        return `${input}.${f.primitiveSign(Buffer.from(input, 'latin1')).toString('base64url')}`;
      },
    },
    { name: 'signet', kind: 'signet', fn: () => signetSign(payload()) },
    { name: 'fast-jwt', kind: 'peer', fn: () => fjSign(payload()) },
  ];
  if (jwtAvailable) {
    sign.push({
      name: 'jsonwebtoken',
      kind: 'peer',
      fn: () =>
        jsonwebtoken.sign(payload(), f.signKey, {
          algorithm: alg as jsonwebtoken.Algorithm,
          issuer: ISSUER,
          audience: AUDIENCE,
          expiresIn: LIFETIME_S,
        }),
    });
  }
  sign.push({
    name: 'jose',
    kind: 'peer',
    async: true,
    fn: () =>
      new SignJWT(payload())
        .setProtectedHeader({ alg, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(nowS() + LIFETIME_S)
        .sign(joseSignKey),
  });

  // ---- verify: the same token for everyone; iss, aud and exp are checked and required
  const signetVerify = signetCreateVerifier(signetVerifyKey, {
    algorithms: [alg as Alg],
    issuer: ISSUER,
    audience: AUDIENCE,
    requiredClaims: ['exp'],
  });
  const fjVerify = fjCreateVerifier({
    key: f.verifyPem,
    algorithms: [alg],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
    requiredClaims: ['iss', 'aud', 'exp'],
  });
  const token = f.token;
  const verify: Contender[] = [
    // The primitive checks the token's signature segment over its signing input text (decoding
    // both, as any JWS verifier must), with none of the JOSE work (JSON, header, claims).
    {
      name: 'node:crypto',
      kind: 'primitive',
      fn: () =>
        f.primitiveVerify(
          Buffer.from(f.signingInputText, 'latin1'),
          Buffer.from(f.signatureSegment, 'base64url'),
        ),
    },
    {
      name: 'node:crypto, bytes only',
      kind: 'reference',
      fn: () => f.primitiveVerify(f.signingInput, f.signature),
    },
    ...(f.streamVerify === undefined
      ? []
      : [
          {
            name: 'node:crypto, streaming',
            kind: 'reference' as const,
            fn: () =>
              (f.streamVerify as NonNullable<typeof f.streamVerify>)(
                f.signingInputText,
                Buffer.from(f.signatureSegment, 'base64url'),
              ),
          },
        ]),
    // The least any JWT verifier must do on top of the primitive: find the segments, check the
    // signature, decode and JSON.parse the payload, look at exp. No strictness, no other claim: a
    // floor that shows how much of the primitive a JWT verifier can keep at all.
    {
      name: 'floor: primitive + JSON.parse + exp',
      kind: 'reference',
      fn: () => {
        const d1 = token.indexOf('.');
        const d2 = token.lastIndexOf('.');
        const ok = f.primitiveVerify(
          Buffer.from(token.slice(0, d2), 'latin1'),
          Buffer.from(token.slice(d2 + 1), 'base64url'),
        );
        if (!ok) throw new Error('floor: bad signature');
        const claims = JSON.parse(Buffer.from(token.slice(d1 + 1, d2), 'base64url').toString('utf8'));
        if (!(claims.exp > Date.now() / 1000)) throw new Error('floor: expired');
        return claims;
      },
    },
    { name: 'signet', kind: 'signet', fn: () => signetVerify(token) },
    { name: 'fast-jwt', kind: 'peer', fn: () => fjVerify(token) },
  ];
  if (jwtAvailable) {
    verify.push({
      name: 'jsonwebtoken',
      kind: 'peer',
      fn: () =>
        jsonwebtoken.verify(token, f.verifyKey, {
          algorithms: [alg as jsonwebtoken.Algorithm],
          issuer: ISSUER,
          audience: AUDIENCE,
        }),
    });
  }
  verify.push({
    name: 'jose',
    kind: 'peer',
    async: true,
    fn: () =>
      jwtVerify(token, joseVerifyKey, {
        algorithms: [alg],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['exp'],
      }),
  });

  // Self-check: every signer's token verifies with every verifier, every verifier accepts.
  const tokens = [
    signetSign(payload()),
    fjSign(payload()),
    await new SignJWT(payload())
      .setProtectedHeader({ alg })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(nowS() + LIFETIME_S)
      .sign(joseSignKey),
  ];
  for (const t of tokens) {
    check(signetVerify(t).payload.sub === SUBJECT, `${alg} signet verify`);
    check(fjVerify(t).sub === SUBJECT, `${alg} fast-jwt verify`);
    check(
      (await jwtVerify(t, joseVerifyKey, { issuer: ISSUER, audience: AUDIENCE })).payload.sub === SUBJECT,
      `${alg} jose verify`,
    );
  }
  check(f.primitiveVerify(f.signingInput, f.signature), `${alg} primitive verify`);
  check(f.streamVerify?.(f.signingInputText, f.signature) ?? true, `${alg} streaming verify`);
  for (const c of [...sign, ...verify]) await c.fn();

  return [
    { name: `${alg} sign`, contenders: sign },
    { name: `${alg} verify`, contenders: verify },
  ];
}

/** Verified-token cache hit: the same token verified again and again by a caching verifier. */
export function cacheCase(f: AlgFixture): BenchCase {
  const key = importJwk(f.verifyJwk as Jwk, { alg: f.alg as Alg });
  const signet = signetCreateVerifier(key, {
    algorithms: [f.alg as Alg],
    issuer: ISSUER,
    audience: AUDIENCE,
    requiredClaims: ['exp'],
    cache: true,
  });
  const fj = fjCreateVerifier({
    key: f.verifyPem,
    algorithms: [f.alg],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
    requiredClaims: ['iss', 'aud', 'exp'],
    cache: true,
  });
  check(signet(f.token).payload.sub === SUBJECT, 'signet cache');
  check(fj(f.token).sub === SUBJECT, 'fast-jwt cache');
  return {
    name: `${f.alg} verify, cache hit`,
    contenders: [
      { name: 'signet', kind: 'signet', fn: () => signet(f.token) },
      { name: 'fast-jwt', kind: 'peer', fn: () => fj(f.token) },
    ],
  };
}
