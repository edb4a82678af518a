import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportJwk, generateKeyPair, generateSecret } from '@signet/jose';
import * as oracle from 'jose';
import { cli } from '../helpers.js';

describe('signet jwt sign | verify | decode', () => {
  let dir: string;
  let privateJwk: string;
  let jwksFile: string;
  let otherJwks: string;
  let pemPrivate: string;
  let pemPublic: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'signet-cli-jwt-'));
    const pair = generateKeyPair('ES256', { kid: 'k1' });
    privateJwk = join(dir, 'private.json');
    writeFileSync(privateJwk, JSON.stringify(exportJwk(pair.privateKey, { private: true })));
    jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [exportJwk(pair.publicKey)] }));
    const other = generateKeyPair('ES256', { kid: 'k1' });
    otherJwks = join(dir, 'other.json');
    writeFileSync(otherJwks, JSON.stringify({ keys: [exportJwk(other.publicKey)] }));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    pemPrivate = join(dir, 'rsa.pem');
    writeFileSync(pemPrivate, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    pemPublic = join(dir, 'rsa.pub.pem');
    writeFileSync(pemPublic, rsa.publicKey.export({ type: 'spki', format: 'pem' }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const sign = async (extra: string[] = []) => {
    const r = await cli([
      'jwt',
      'sign',
      '--key',
      privateJwk,
      '--claims',
      '{"sub":"s1","scope":"orders:read"}',
      '--iss',
      'https://auth.example',
      '--aud',
      'https://s2.example',
      '--exp',
      '5m',
      ...extra,
    ]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  const verifyArgs = (token: string) => [
    'jwt',
    'verify',
    token,
    '--jwks',
    jwksFile,
    '--issuer',
    'https://auth.example',
    '--audience',
    'https://s2.example',
    '--alg',
    'ES256',
  ];

  it('signs a token that an independent library (jose) verifies', async () => {
    const token = await sign(['--typ', 'at+jwt', '--jti']);
    const jwks = oracle.createLocalJWKSet(
      JSON.parse((await import('node:fs')).readFileSync(jwksFile, 'utf8')),
    );
    const { payload, protectedHeader } = await oracle.jwtVerify(token, jwks, {
      issuer: 'https://auth.example',
      audience: 'https://s2.example',
      algorithms: ['ES256'],
      typ: 'at+jwt',
    });
    assert.equal(protectedHeader.kid, 'k1');
    assert.equal(payload.sub, 's1');
    assert.equal(payload.scope, 'orders:read');
    assert.equal(typeof payload.jti, 'string');
    assert.equal((payload.exp as number) - (payload.iat as number), 300);
  });

  it('verifies a good token: exit 0, header and payload as JSON', async () => {
    const token = await sign();
    const r = await cli([...verifyArgs(token), '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.valid, true);
    assert.equal(out.header.alg, 'ES256');
    assert.equal(out.payload.sub, 's1');
  });

  it('reads the token from stdin with "-"', async () => {
    const token = await sign();
    const r = await cli(verifyArgs('-'), { stdin: `${token}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"sub": "s1"/);
  });

  it('exits 1 with the error code for a wrong audience, and never prints the token', async () => {
    const token = await sign();
    const args = verifyArgs(token);
    args[args.indexOf('https://s2.example')] = 'https://other.example';
    const r = await cli(args);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ERR_JWT_CLAIM_INVALID/);
    assert.ok(!r.stderr.includes(token));
    assert.equal(r.stdout, '');
  });

  it('prints {valid:false, error:{code}} on stdout with --format json', async () => {
    const token = await sign();
    const r = await cli([
      ...verifyArgs(token).map((a) => (a === 'https://auth.example' ? 'https://evil' : a)),
      '--format',
      'json',
    ]);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.valid, false);
    assert.equal(out.error.code, 'ERR_JWT_CLAIM_INVALID');
  });

  it('exits 1 for a token signed by another key with the same kid', async () => {
    const token = await sign();
    const args = verifyArgs(token);
    args[args.indexOf(jwksFile)] = otherJwks;
    const r = await cli(args);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ERR_JWS_SIGNATURE_INVALID/);
  });

  it('exits 1 for an expired token (ERR_JWT_EXPIRED)', async () => {
    const r0 = await cli([
      'jwt',
      'sign',
      '--key',
      privateJwk,
      '--claims',
      JSON.stringify({ iss: 'https://auth.example', aud: 'https://s2.example', exp: 1_000_000 }),
    ]);
    assert.equal(r0.code, 0, r0.stderr);
    const r = await cli(verifyArgs(r0.stdout.trim()));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ERR_JWT_EXPIRED/);
  });

  it('requires --issuer, --audience and --alg unless told to skip them (exit 2)', async () => {
    const token = await sign();
    for (const [flag, skip] of [
      ['--issuer', '--insecure-skip-issuer'],
      ['--audience', '--insecure-skip-audience'],
      ['--alg', '--insecure-any-alg'],
    ] as const) {
      const args = verifyArgs(token);
      const i = args.indexOf(flag);
      args.splice(i, 2);
      const refused = await cli(args);
      assert.equal(refused.code, 2, flag);
      assert.match(refused.stderr, new RegExp(skip));
      const skipped = await cli([...args, skip]);
      assert.equal(skipped.code, 0, `${flag}: ${skipped.stderr}`);
    }
  });

  it('rejects an algorithm outside --alg (ERR_JOSE_ALG_NOT_ALLOWED)', async () => {
    const token = await sign();
    const args = verifyArgs(token);
    args[args.indexOf('ES256')] = 'RS256';
    const r = await cli(args);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ERR_J/);
  });

  it('refuses unknown algorithm names such as "none" as a usage error (exit 2)', async () => {
    const token = await sign();
    const args = verifyArgs(token);
    args[args.indexOf('ES256')] = 'none';
    const r = await cli(args);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown algorithm "none"/);
  });

  it('signs with a PEM key and verifies with the PEM public key', async () => {
    const s = await cli([
      'jwt',
      'sign',
      '--key',
      pemPrivate,
      '--alg',
      'RS256',
      '--claims',
      '{"sub":"x"}',
      '--format',
      'json',
    ]);
    assert.equal(s.code, 0, s.stderr);
    const { token } = JSON.parse(s.stdout) as { token: string };
    const v = await cli([
      'jwt',
      'verify',
      token,
      '--jwks',
      pemPublic,
      '--alg',
      'RS256',
      '--insecure-skip-issuer',
      '--insecure-skip-audience',
    ]);
    assert.equal(v.code, 0, v.stderr);
  });

  it('refuses a PEM key without --alg (exit 2)', async () => {
    const r = await cli(['jwt', 'sign', '--key', pemPrivate]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--alg/);
  });

  it('refuses to sign with a public key (exit 2)', async () => {
    const r = await cli(['jwt', 'sign', '--key', pemPublic, '--alg', 'RS256']);
    assert.equal(r.code, 2);
  });

  it('signs with an HS256 secret JWK read from stdin', async () => {
    const secret = exportJwk(generateSecret('HS256', { kid: 'h' }), { private: true });
    const r = await cli(['jwt', 'sign', '--key', '-', '--claims', '{"a":1}'], {
      stdin: JSON.stringify(secret),
    });
    assert.equal(r.code, 0, r.stderr);
    const { payload } = await oracle.jwtVerify(r.stdout.trim(), Buffer.from(secret.k as string, 'base64url'));
    assert.equal(payload.a, 1);
  });

  it('rejects claims that are not a JSON object (exit 2)', async () => {
    assert.equal((await cli(['jwt', 'sign', '--key', privateJwk, '--claims', '[1]'])).code, 2);
    assert.equal((await cli(['jwt', 'sign', '--key', privateJwk, '--claims', '{nope'])).code, 2);
  });

  it('decode refuses without --unverified (exit 2) and says why', async () => {
    const token = await sign();
    const r = await cli(['jwt', 'decode', token]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--unverified/);
    assert.equal(r.stdout, '');
  });

  it('decode --unverified prints header and claims, warns on stderr', async () => {
    const token = await sign();
    const r = await cli(['jwt', 'decode', '-', '--unverified', '--format', 'json'], { stdin: token });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.verified, false);
    assert.equal(out.header.kid, 'k1');
    assert.equal(out.payload.iss, 'https://auth.example');
    assert.match(r.stderr, /NOT VERIFIED/);
  });

  it('decode of garbage exits 1 with a code', async () => {
    const r = await cli(['jwt', 'decode', 'not-a-jwt', '--unverified']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /JWT/);
  });

  it('needs --jwks or --issuer to find the keys (exit 2)', async () => {
    const token = await sign();
    const r = await cli([
      'jwt',
      'verify',
      token,
      '--insecure-skip-issuer',
      '--audience',
      'https://s2.example',
      '--alg',
      'ES256',
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--jwks/);
  });

  it('refuses to read both the token and the JWKS from stdin (exit 2)', async () => {
    const r = await cli([
      'jwt',
      'verify',
      '-',
      '--jwks',
      '-',
      '--insecure-skip-issuer',
      '--insecure-skip-audience',
      '--insecure-any-alg',
    ]);
    assert.equal(r.code, 2);
  });
});
