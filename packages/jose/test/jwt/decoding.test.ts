/**
 * The hot path's decoding: signatures decoded into a per-key buffer, payloads decoded into a shared
 * scratch buffer (with a fallback for payloads larger than it). Each case would pass a lenient
 * decoder or a buffer that carries bytes over from an earlier call.
 */
import assert from 'node:assert/strict';
import { constants, createPrivateKey, randomBytes, sign as nodeSign } from 'node:crypto';
import { test } from 'node:test';
import {
  createSigner,
  createVerifier,
  decodeUnverified,
  exportJwk,
  generateKeyPair,
  importJwk,
  JoseError,
  type Key,
} from '@signet/jose';
import { b64, hs256, throwsCode } from '../helpers.js';

const ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
const pairs = new Map(ALGS.map((alg) => [alg, generateKeyPair(alg)] as const));

/** Signs arbitrary header and payload segments with node:crypto, as a token issuer outside Signet would. */
function signRaw(alg: (typeof ALGS)[number], privateKey: Key, header: string, payload: string): string {
  const pem = createPrivateKey({ key: exportJwk(privateKey, { private: true }) as never, format: 'jwk' });
  const input = `${header}.${payload}`;
  const data = Buffer.from(input);
  const sig =
    alg === 'RS256'
      ? nodeSign('sha256', data, pem)
      : alg === 'PS256'
        ? nodeSign('sha256', data, { key: pem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
        : alg === 'ES256'
          ? nodeSign('sha256', data, { key: pem, dsaEncoding: 'ieee-p1363' })
          : nodeSign(null, data, pem);
  return `${input}.${sig.toString('base64url')}`;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof JoseError, `expected a JoseError, got ${String(e)}`);
    return e.code;
  }
  return 'accepted';
}

test('asymmetric signatures of the wrong length, with foreign characters or non-canonical tails fail', () => {
  for (const alg of ALGS) {
    const { privateKey, publicKey } = pairs.get(alg) as { privateKey: Key; publicKey: Key };
    const verify = createVerifier(publicKey);
    const token = signRaw(alg, privateKey, b64({ alg }), b64({ sub: 'a' }));
    const dot = token.lastIndexOf('.');
    const input = token.slice(0, dot);
    const sig = token.slice(dot + 1);
    assert.equal(verify(token).payload.sub, 'a', alg);
    // Every signature length here leaves spare bits in the last character (2 or 3 mod 4).
    assert.notEqual(sig.length % 4, 0, alg);
    const last = sig.at(-1) as string;
    const bumped = sig.slice(0, -1) + ALPHABET[(ALPHABET.indexOf(last) + 1) % 64];
    assert.equal(
      codeOf(() => verify(`${input}.${bumped}`)),
      'ERR_JWS_INVALID',
      `${alg} tail`,
    );
    for (const variant of [
      sig.slice(0, -1),
      sig.slice(0, -2),
      sig.slice(0, -4),
      `${sig}AA`,
      `${sig}AAAA`,
      `A${sig}`,
    ]) {
      const code = codeOf(() => verify(`${input}.${variant}`));
      assert.ok(code === 'ERR_JWS_INVALID' || code === 'ERR_JWS_SIGNATURE_INVALID', `${alg} length: ${code}`);
    }
    // A foreign character in the middle decodes short (Node's decoder skips it): the bytes of the
    // previous call left in the key's buffer must not make it pass, and the next call is unaffected.
    // At the end, the genuine last byte would still be in the buffer from the call before.
    for (const at of [sig.length >> 1, sig.length - 2, sig.length - 1]) {
      for (const foreign of ['*', ' ', '=', '.', '\u00e9']) {
        const broken = `${input}.${sig.slice(0, at)}${foreign}${sig.slice(at + 1)}`;
        assert.equal(verify(token).payload.sub, 'a', alg);
        const code = codeOf(() => verify(broken));
        assert.equal(code, 'ERR_JWS_INVALID', `${alg} ${JSON.stringify(foreign)} at ${at}`);
      }
    }
    // Another valid signature over a different input, then the first again.
    const other = signRaw(alg, privateKey, b64({ alg }), b64({ sub: 'b' }));
    assert.equal(verify(other).payload.sub, 'b', alg);
    assert.equal(
      codeOf(() => verify(`${input}.${other.slice(other.lastIndexOf('.') + 1)}`)),
      'ERR_JWS_SIGNATURE_INVALID',
      alg,
    );
    assert.equal(verify(token).payload.sub, 'a', alg);
  }
});

const raw = randomBytes(32);
const secret = importJwk({ kty: 'oct', k: raw.toString('base64url') }, { alg: 'HS256' });
const H = b64({ alg: 'HS256' });

test('payloads: non-ASCII text, a real U+FFFD, invalid UTF-8 and foreign characters', () => {
  const verify = createVerifier(secret);
  const claims = { sub: 'zoë', name: '日本語 🙂', note: 'a\ufffdb', q: '"{:}[\\' };
  assert.deepEqual(verify(hs256(H, b64(claims), raw)).payload, claims);
  // Duplicates are found among multi-byte text too.
  const dup = Buffer.from('{"sub":"é:{","sub":"ü"}', 'utf8').toString('base64url');
  throwsCode(() => verify(hs256(H, dup, raw)), 'ERR_JWT_INVALID');
  // Invalid UTF-8 (a lone continuation byte, an overlong encoding) is refused, not replaced.
  for (const bytes of [
    [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0x80, 0x22, 0x7d],
    [0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d],
  ]) {
    throwsCode(() => verify(hs256(H, Buffer.from(bytes).toString('base64url'), raw)), 'ERR_JWT_INVALID');
  }
  // A correctly signed token whose payload segment holds a foreign character.
  const p = b64({ sub: 'x', pad: 'yyyy' });
  for (const foreign of ['*', '=', ' ', '\u00e9']) {
    const segment = `${p.slice(0, 4)}${foreign}${p.slice(4)}`;
    throwsCode(() => verify(hs256(H, segment, raw)), 'ERR_JWS_INVALID');
  }
});

test('payloads larger than the scratch buffer (a raised maxTokenSize) verify the same way', () => {
  const verify = createVerifier(secret, { maxTokenSize: 1 << 20 });
  const big = { sub: 'x', blob: 'z'.repeat(100_000), list: Array.from({ length: 500 }, (_, i) => ({ i })) };
  assert.deepEqual(verify(hs256(H, b64(big), raw)).payload, big);
  const dup = b64(`{"sub":"x","blob":"${'z'.repeat(100_000)}","sub":"y"}`);
  throwsCode(() => verify(hs256(H, dup, raw)), 'ERR_JWT_INVALID');
  const p = b64(big);
  throwsCode(() => verify(hs256(H, `${p.slice(0, 8)}*${p.slice(8)}`, raw)), 'ERR_JWS_INVALID');
  // And a small token right after still decodes correctly from the scratch buffer.
  assert.deepEqual(verify(hs256(H, b64({ sub: 'after' }), raw)).payload, { sub: 'after' });
});

test('a character whose low byte is a base64url character (ń for D) is refused in every segment', () => {
  // Node's base64 decoder reads UTF-16 units through their low byte: without the ASCII check, a
  // token with one signature character swapped for its twin above U+00FF verified as the original.
  const twin = (s: string, at: number): string =>
    s.slice(0, at) + String.fromCharCode(s.charCodeAt(at) + 0x100) + s.slice(at + 1);
  const hmac = { privateKey: secret, publicKey: secret };
  for (const [alg, pair] of [...pairs, ['HS256', hmac] as const]) {
    const { privateKey, publicKey } = pair as { privateKey: Key; publicKey: Key };
    const token = createSigner(privateKey, { expiresIn: 60 })({ sub: 'twin' });
    const verify = createVerifier(publicKey);
    assert.equal(verify(token).payload.sub, 'twin', alg);
    const dot1 = token.indexOf('.');
    const dot2 = token.lastIndexOf('.');
    for (const at of [1, dot1 + 2, dot2 - 1, dot2 + 3, token.length - 2, token.length - 1]) {
      assert.equal(
        codeOf(() => verify(twin(token, at))),
        'ERR_JWS_INVALID',
        `${alg} at ${at}`,
      );
      assert.equal(
        codeOf(() => decodeUnverified(twin(token, at))),
        'ERR_JWS_INVALID',
        `${alg} at ${at}`,
      );
    }
  }
  // And a key holder cannot sign such a segment into acceptance either.
  const p = b64({ sub: 'x' });
  const signed = hs256(
    H,
    `${p.slice(0, 3)}${String.fromCharCode(p.charCodeAt(3) + 0x100)}${p.slice(4)}`,
    raw,
  );
  assert.equal(
    codeOf(() => createVerifier(secret)(signed)),
    'ERR_JWS_INVALID',
  );
});
