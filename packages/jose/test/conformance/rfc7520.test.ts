/**
 * RFC 7520 (JOSE cookbook) JWS examples, the RFC 8037 Ed25519 example and RFC 7797 `b64: false`,
 * read from ../shared/vectors/rfc7520. Every compact form verifies with the example key;
 * reproducible signatures (RSASSA-PKCS1-v1_5, HMAC, Ed25519) are signed again to the same bytes.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import {
  type Alg,
  importJwk,
  type Jwk,
  type Key,
  publicKeyOf,
  signCompact,
  verifyCompact,
} from '@signet/jose';
import { internalOf } from '../../src/lib/key.js';
import { outcome, readVector, rejectionCode, vectorsDir } from './vectors.js';

interface FlatJws {
  readonly payload: string;
  readonly protected?: string;
  readonly header?: Record<string, unknown>;
  readonly signature: string;
}
interface CookbookJws {
  readonly title: string;
  readonly reproducible?: boolean;
  readonly input: { readonly payload: string; readonly key: Jwk | Jwk[]; readonly alg: string | string[] };
  readonly output: {
    readonly compact?: string;
    readonly json: {
      readonly payload?: string;
      readonly signatures: ReadonlyArray<Omit<FlatJws, 'payload'>>;
    };
    readonly json_flat?: FlatJws;
  };
}

const b64u = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

function keys(jwk: Jwk, alg: string): { signing: Key; verifying: Key } {
  const signing = importJwk(jwk, { alg: alg as Alg });
  return { signing, verifying: signing.type === 'private' ? publicKeyOf(signing) : signing };
}

function assertVerifies(token: string, key: Key, payload: string, context: string): void {
  const got = outcome(() => verifyCompact(token, key), context);
  assert.ok(got.ok, `${context}: must verify${got.ok ? '' : `, got ${got.code}`}`);
  assert.equal(Buffer.from(got.value.payload).toString('utf8'), payload, `${context}: payload`);
}

const cookbookFiles = [
  ...readdirSync(resolve(vectorsDir, 'rfc7520', 'jws'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => `rfc7520/jws/${f}`),
  'rfc7520/curve25519/jws.json',
];

for (const file of cookbookFiles) {
  test(`RFC 7520 ${file}`, () => {
    const v = readVector<CookbookJws>(file);
    const jwks = Array.isArray(v.input.key) ? v.input.key : [v.input.key];
    const algs = Array.isArray(v.input.alg) ? v.input.alg : [v.input.alg];
    // §4.5 (detached content) omits the payload from the output: it is the input, encoded.
    const payloadB64 = b64u(v.input.payload);
    if (v.output.json.payload !== undefined) assert.equal(v.output.json.payload, payloadB64);
    let checked = 0;

    v.output.json.signatures.forEach((sig, i) => {
      const { signing, verifying } = keys(jwks[i]!, algs[i]!);
      const context = `${file} signature ${i} (${algs[i]})`;
      if (sig.protected === undefined) {
        // Compact serialization has no unprotected header: without a protected `alg` there is no
        // compact JWS, and the form with an empty header segment must be refused.
        rejectionCode(() => verifyCompact(`.${payloadB64}.${sig.signature}`, verifying), context);
        checked++;
        return;
      }
      const compact = `${sig.protected}.${payloadB64}.${sig.signature}`;
      assertVerifies(compact, verifying, v.input.payload, context);
      checked++;
      if (v.reproducible && signing.type !== 'public') {
        // The internal sign function over the exact protected segment the cookbook used.
        const sign = internalOf(signing).sign;
        assert.ok(sign, `${context}: signing key`);
        assert.equal(
          sign(`${sig.protected}.${payloadB64}`).toString('base64url'),
          sig.signature,
          `${context}: same bytes`,
        );
      }
    });

    if (v.output.compact !== undefined) {
      const [h, p, s] = v.output.compact.split('.');
      const { signing, verifying } = keys(jwks[0]!, algs[0]!);
      if (p === '') {
        // §4.5 detached content: the compact form carries no payload, so it verifies only with the
        // payload put back; as-is it must fail (the signature covers the payload).
        assertVerifies(`${h}.${payloadB64}.${s}`, verifying, v.input.payload, `${file} detached, reattached`);
        rejectionCode(() => verifyCompact(v.output.compact!, verifying), `${file} detached as-is`);
      } else {
        assertVerifies(v.output.compact, verifying, v.input.payload, `${file} compact`);
      }
      if (v.reproducible) {
        // signCompact itself, with the cookbook's protected header members: same bytes.
        const protectedHeader = JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')) as Record<
          string,
          unknown
        >;
        const { alg: _alg, ...rest } = protectedHeader;
        const token = signCompact(v.input.payload, signing, rest);
        assert.equal(token, `${h}.${payloadB64}.${s}`, `${file}: signCompact reproduces the cookbook bytes`);
      }
      // Any change to the signature fails.
      const flipped = `${h}.${payloadB64}.${s!.startsWith('A') ? 'B' : 'A'}${s!.slice(1)}`;
      rejectionCode(() => verifyCompact(flipped, verifying), `${file} tampered`);
    }
    assert.equal(checked, v.output.json.signatures.length, `${file}: every signature checked`);
  });
}

test('RFC 7520 jwk/*.json: the cookbook keys import (signature keys) or are refused (encryption key)', () => {
  const ec = readVector<Jwk>('rfc7520/jwk/3_1.ec_public_key.json');
  const ecPrivate = readVector<Jwk>('rfc7520/jwk/3_2.ec_private_key.json');
  const rsa = readVector<Jwk>('rfc7520/jwk/3_3.rsa_public_key.json');
  const rsaPrivate = readVector<Jwk>('rfc7520/jwk/3_4.rsa_private_key.json');
  const mac = readVector<Jwk>('rfc7520/jwk/3_5.symmetric_key_mac_computation.json');
  const enc = readVector<Jwk>('rfc7520/jwk/3_6.symmetric_key_encryption.json');

  assert.equal(importJwk(ec).alg, 'ES512'); // P-521 implies ES512
  assert.equal(importJwk(ec).type, 'public');
  assert.equal(importJwk(ecPrivate).type, 'private');
  assert.equal(importJwk(rsa, { alg: 'RS256' }).type, 'public');
  assert.equal(importJwk(rsaPrivate, { alg: 'PS384' }).type, 'private');
  assert.equal(importJwk(mac).alg, 'HS256');
  // §3.6 is an AES key (alg A256GCM, use enc): not a signing key.
  rejectionCode(() => importJwk(enc), '3_6 A256GCM key');
  rejectionCode(() => importJwk(enc, { alg: 'HS256' }), '3_6 A256GCM key as HS256');

  // The private halves verify what they sign, the public files are those halves.
  const message = 'RFC 7520 §3';
  for (const [priv, pub, alg] of [
    [ecPrivate, ec, 'ES512'],
    [rsaPrivate, rsa, 'RS256'],
  ] as const) {
    const token = signCompact(message, importJwk(priv, { alg }));
    assertVerifies(token, importJwk(pub, { alg }), message, `${alg} cookbook key pair`);
  }
});

interface B64FalseVector {
  readonly input: { readonly payload: string; readonly key: Jwk };
  readonly output: { readonly compact?: string; readonly json_flat: FlatJws };
}

test('RFC 7797 §4.2 draft vector (b64:false without crit) is refused in every compact form', () => {
  const v = readVector<B64FalseVector>('rfc7520/rfc7797/4.2.hmac-sha2_b64_false.json');
  const key = importJwk(v.input.key);
  const { protected: h, payload, signature } = v.output.json_flat;
  for (const token of [
    `${h}.${payload}.${signature}`,
    `${h}..${signature}`,
    `${h}.${b64u(payload)}.${signature}`,
  ]) {
    rejectionCode(() => verifyCompact(token, key), `4.2 draft form ${token.length}`);
  }
});

test('RFC 7797 b64:false with crit: refused as documented (unencoded payloads are not supported)', () => {
  const v = readVector<B64FalseVector>('rfc7520/rfc7797/hmac-sha2_b64_false.json');
  const key = importJwk(v.input.key);
  // As published: the payload segment holds raw text (spaces, '!'): a typed rejection.
  rejectionCode(() => verifyCompact(v.output.compact!, key), 'b64:false compact');
  // The same protected header over a well-formed segment reaches the b64 rule itself.
  const [h, , s] = v.output.compact!.split('.');
  const code = rejectionCode(
    () => verifyCompact(`${h}.${b64u(v.input.payload)}.${s}`, key),
    'b64:false header',
  );
  assert.equal(code, 'ERR_JOSE_NOT_SUPPORTED');
});
