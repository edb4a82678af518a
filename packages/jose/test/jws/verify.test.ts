import assert from 'node:assert/strict';
import {
  constants,
  createHmac,
  createPrivateKey,
  verify as nodeVerify,
  randomBytes,
  sign as nodeSign,
} from 'node:crypto';
import { test } from 'node:test';
import {
  createLocalKeySet,
  createSigner,
  createVerifier,
  exportJwk,
  generateKeyPair,
  importJwk,
  type Key,
  signCompact,
  verifyCompact,
} from '@signet/jose';
import { internalOf } from '../../src/lib/key.js';
import { b64, hs256, throwsCode, throwsTypeError } from '../helpers.js';

const secretBytes = randomBytes(32);
const secret = importJwk({ kty: 'oct', k: secretBytes.toString('base64url') }, { alg: 'HS256' });
const H = b64({ alg: 'HS256' });
const P = b64({ sub: 'x' });

test('a valid token verifies; payload bytes are returned as is', () => {
  const r = verifyCompact(hs256(H, b64('not json'), secretBytes), secret);
  assert.equal(Buffer.from(r.payload).toString(), 'not json');
  assert.equal(r.key, secret);
  assert.ok(Object.isFrozen(r.header));
});

test('empty payload is allowed at the JWS layer', () => {
  assert.equal(verifyCompact(hs256(H, '', secretBytes), secret).payload.length, 0);
});

test('maxTokenSize is checked first', () => {
  const e = throwsCode(() => verifyCompact('a'.repeat(16385), secret), 'ERR_JWS_INVALID');
  assert.match(e.message, /maxTokenSize/);
  const token = hs256(H, b64({ pad: 'x'.repeat(200) }), secretBytes);
  throwsCode(() => verifyCompact(token, secret, { maxTokenSize: 100 }), 'ERR_JWS_INVALID');
  assert.ok(verifyCompact(token, secret, { maxTokenSize: 1000 }));
});

test('exactly three segments', () => {
  const token = hs256(H, P, secretBytes);
  for (const bad of [
    `${H}.${P}`,
    `${token}.x`,
    `${token}.`,
    `${H}..${P}.${P}.x`,
    'x',
    '',
    '..',
    `.${P}.x`,
    `${H}.${P}.`,
  ]) {
    throwsCode(() => verifyCompact(bad, secret), 'ERR_JWS_INVALID');
  }
});

test('strict base64url in every segment: whitespace, padding, + / ? and JSON serialization refused', () => {
  const token = hs256(H, P, secretBytes);
  const [h, p, s] = token.split('.') as [string, string, string];
  const variants = [
    ` ${token}`,
    `${token}\n`,
    `${h}.${p} .${s}`,
    `${h}=.${p}.${s}`,
    `${h}.${p}.${s}=`,
    `${h}.${p.slice(0, 4)}+${p.slice(5)}.${s}`,
    `${h}.${p}.${s.slice(0, 4)}/${s.slice(5)}`,
    `${h}.${p}?.${s}`,
    JSON.stringify({ protected: h, payload: p, signature: s }),
  ];
  for (const v of variants) throwsCode(() => verifyCompact(v, secret), 'ERR_JWS_INVALID');
});

test('"+" and "/" for "-" and "_" decode to the same bytes, and are refused for every algorithm', () => {
  for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA', 'HS256'] as const) {
    const { privateKey, publicKey } =
      alg === 'HS256' ? { privateKey: secret, publicKey: secret } : generateKeyPair(alg);
    const sign = createSigner(privateKey);
    const verify = createVerifier(publicKey);
    for (const [from, to] of [
      ['-', '+'],
      ['_', '/'],
    ] as const) {
      // A token with the character in its signature (or, for HS256, anywhere after the header).
      let token = '';
      for (let i = 0; i < 200 && !token.slice(token.indexOf('.')).includes(from); i++) token = sign({ i });
      const at = token.lastIndexOf(from);
      assert.ok(at > token.indexOf('.'), `${alg}: no "${from}" found`);
      const twin = `${token.slice(0, at)}${to}${token.slice(at + 1)}`;
      assert.ok(verify(token));
      throwsCode(() => verify(twin), 'ERR_JWS_INVALID');
      throwsCode(() => verifyCompact(twin, publicKey), 'ERR_JWS_INVALID');
    }
  }
});

test('non-canonical trailing bits are refused in header, payload and signature', () => {
  const bump = (seg: string): string => {
    const last = seg.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    return seg.slice(0, -1) + alphabet[alphabet.indexOf(last) + 1];
  };
  // {"sub":"x"} encodes to 15 chars (3 mod 4: 2 spare bits)
  const token = hs256(H, P, secretBytes);
  const [h, p, s] = token.split('.') as [string, string, string];
  assert.equal(p.length % 4, 3);
  throwsCode(() => verifyCompact(`${h}.${bump(p)}.${s}`, secret), 'ERR_JWS_INVALID');
  assert.equal(s.length % 4, 3);
  throwsCode(() => verifyCompact(`${h}.${p}.${bump(s)}`, secret), 'ERR_JWS_INVALID');
  const h2 = b64({ alg: 'HS256', x: 1 });
  if (h2.length % 4 !== 0) {
    throwsCode(() => verifyCompact(hs256(bump(h2), P, secretBytes), secret), 'ERR_JWS_INVALID');
  }
});

test('header must be a strict JSON object with a string alg', () => {
  for (const header of [b64([1]), b64('"x"'), b64('null'), b64('{"alg":"HS256"'), b64({ alg: 1 }), b64({})]) {
    throwsCode(() => verifyCompact(hs256(header, P, secretBytes), secret), 'ERR_JWS_INVALID');
  }
  throwsCode(
    () => verifyCompact(hs256(b64('{"alg":"HS256","alg":"HS256"}'), P, secretBytes), secret),
    'ERR_JWS_INVALID',
  );
  throwsCode(
    () => verifyCompact(hs256(b64('{"alg":"HS256","__proto__":{}}'), P, secretBytes), secret),
    'ERR_JWS_INVALID',
  );
  throwsCode(
    () => verifyCompact(hs256(b64({ alg: 'HS256', kid: 7 }), P, secretBytes), secret),
    'ERR_JWS_INVALID',
  );
  throwsCode(
    () => verifyCompact(hs256(b64({ alg: 'HS256', typ: [] }), P, secretBytes), secret),
    'ERR_JWS_INVALID',
  );
  const invalidUtf8 = Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url');
  throwsCode(() => verifyCompact(hs256(invalidUtf8, P, secretBytes), secret), 'ERR_JWS_INVALID');
});

test('non-string tokens → ERR_JWS_INVALID', () => {
  for (const v of [undefined, null, 1, {}, Buffer.from('a.b.c')]) {
    throwsCode(() => verifyCompact(v as never, secret), 'ERR_JWS_INVALID');
  }
});

test('the algorithm comes from the key: a different header alg → ERR_JOSE_ALG_NOT_ALLOWED', () => {
  const other = hs256(b64({ alg: 'HS384' }), P, secretBytes);
  throwsCode(() => verifyCompact(other, secret), 'ERR_JOSE_ALG_NOT_ALLOWED');
});

test('alg none does not exist', () => {
  throwsCode(() => verifyCompact(`${b64({ alg: 'none' })}.${P}.`, secret), 'ERR_JWS_INVALID');
  throwsCode(() => verifyCompact(`${b64({ alg: 'none' })}.${P}.AAAA`, secret), 'ERR_JOSE_ALG_NOT_ALLOWED');
  throwsCode(() => verifyCompact(`${b64({ alg: 'None' })}.${P}.AAAA`, secret), 'ERR_JOSE_ALG_NOT_ALLOWED');
});

test('RS256 → HS256 confusion: the public key as an HMAC secret is refused', () => {
  const { publicKey } = generateKeyPair('RS256');
  const jwk = exportJwk(publicKey);
  for (const material of [JSON.stringify(jwk), Buffer.from(jwk.n as string, 'base64url')]) {
    const h = b64({ alg: 'HS256' });
    const input = `${h}.${P}`;
    const token = `${input}.${createHmac('sha256', material).update(input).digest('base64url')}`;
    throwsCode(() => verifyCompact(token, publicKey), 'ERR_JOSE_ALG_NOT_ALLOWED');
    throwsCode(() => verifyCompact(token, createLocalKeySet({ keys: [jwk] })), 'ERR_JWKS_NO_MATCHING_KEY');
  }
});

test('algorithms option restricts further; misuse → TypeError', () => {
  const token = hs256(H, P, secretBytes);
  assert.ok(verifyCompact(token, secret, { algorithms: ['HS256'] }));
  throwsTypeError(() => verifyCompact(token, secret, { algorithms: ['RS256'] }), 'algorithms');
  const set = createLocalKeySet({ keys: [{ ...exportJwk(secret, { private: true }) }] });
  throwsCode(() => verifyCompact(token, set, { algorithms: ['HS512'] }), 'ERR_JOSE_ALG_NOT_ALLOWED');
  throwsTypeError(() => verifyCompact(token, secret, { algorithms: ['none'] }), 'algorithms');
  throwsTypeError(() => verifyCompact(token, secret, { algorithms: [] }), 'algorithms');
  throwsTypeError(() => verifyCompact(token, secret, { maxTokenSize: 0 }), 'maxTokenSize');
  throwsTypeError(() => verifyCompact(token, secret, { bogus: 1 } as never), 'bogus');
  throwsTypeError(() => verifyCompact(token, {} as never), 'keyOrSet');
});

test('jwk, jku, x5u, x5c headers never select a key', () => {
  const attacker = generateKeyPair('ES256');
  const victim = generateKeyPair('ES256', { kid: 'victim' });
  const header = {
    jwk: exportJwk(attacker.publicKey),
    jku: 'https://attacker.example/jwks',
    x5u: 'https://attacker.example/cert',
    x5c: ['MIIB'],
  };
  const forged = signCompact('x', attacker.privateKey, header);
  throwsCode(() => verifyCompact(forged, victim.publicKey), 'ERR_JWS_SIGNATURE_INVALID');
  const forgedKid = signCompact('x', attacker.privateKey, { ...header, kid: 'victim' });
  const set = createLocalKeySet({ keys: [exportJwk(victim.publicKey)] });
  throwsCode(() => verifyCompact(forgedKid, set), 'ERR_JWS_SIGNATURE_INVALID');
  const noKid = signCompact('x', attacker.privateKey, { ...header, kid: 'unknown' });
  throwsCode(() => verifyCompact(noKid, set), 'ERR_JWKS_NO_MATCHING_KEY');
});

test('crit (RFC 7515 §4.1.11): shape rules → ERR_JWS_INVALID', () => {
  for (const header of [
    { alg: 'HS256', crit: 'exp' },
    { alg: 'HS256', crit: [] },
    { alg: 'HS256', crit: [1] },
    { alg: 'HS256', crit: [''] },
    { alg: 'HS256', crit: ['exp', 'exp'], exp: 1 },
    { alg: 'HS256', crit: ['alg'] },
    { alg: 'HS256', crit: ['kid'], kid: 'a' },
    { alg: 'HS256', crit: ['exp'] },
  ]) {
    throwsCode(
      () => verifyCompact(hs256(b64(header), P, secretBytes), secret, { crit: { exp: true } }),
      'ERR_JWS_INVALID',
    );
  }
});

test('crit: an extension not understood → ERR_JOSE_NOT_SUPPORTED; understood → accepted', () => {
  const token = hs256(b64({ alg: 'HS256', crit: ['exp'], exp: 1 }), P, secretBytes);
  throwsCode(() => verifyCompact(token, secret), 'ERR_JOSE_NOT_SUPPORTED');
  throwsCode(() => verifyCompact(token, secret, { crit: { exp: false } }), 'ERR_JOSE_NOT_SUPPORTED');
  assert.ok(verifyCompact(token, secret, { crit: { exp: true } }));
});

test('b64 (RFC 7797) is refused: with crit → NOT_SUPPORTED, without crit → JWS_INVALID', () => {
  const withCrit = hs256(b64({ alg: 'HS256', b64: false, crit: ['b64'] }), P, secretBytes);
  throwsCode(() => verifyCompact(withCrit, secret), 'ERR_JOSE_NOT_SUPPORTED');
  const withoutCrit = hs256(b64({ alg: 'HS256', b64: false }), P, secretBytes);
  throwsCode(() => verifyCompact(withoutCrit, secret), 'ERR_JWS_INVALID');
  const trueWithoutCrit = hs256(b64({ alg: 'HS256', b64: true }), P, secretBytes);
  throwsCode(() => verifyCompact(trueWithoutCrit, secret), 'ERR_JWS_INVALID');
  throwsTypeError(() => verifyCompact(withCrit, secret, { crit: { b64: true } }), 'b64');
});

test('HMAC: truncated or extended tags fail', () => {
  const token = hs256(H, P, secretBytes);
  const [h, p, s] = token.split('.') as [string, string, string];
  const tag = Buffer.from(s, 'base64url');
  throwsCode(
    () => verifyCompact(`${h}.${p}.${tag.subarray(0, 16).toString('base64url')}`, secret),
    'ERR_JWS_SIGNATURE_INVALID',
  );
  throwsCode(
    () => verifyCompact(`${h}.${p}.${Buffer.concat([tag, Buffer.from([0])]).toString('base64url')}`, secret),
    'ERR_JWS_SIGNATURE_INVALID',
  );
});

function esToken(key: Key, sig: Buffer): string {
  return `${b64({ alg: key.alg })}.${P}.${sig.toString('base64url')}`;
}

test('ECDSA: DER signatures are refused, P1363 of exactly 2·|n| bytes is required', () => {
  for (const [alg, crvLen] of [
    ['ES256', 32],
    ['ES384', 48],
    ['ES512', 66],
  ] as const) {
    const { privateKey, publicKey } = generateKeyPair(alg);
    const input = `${b64({ alg })}.${P}`;
    const pkcs8 = createPrivateKey({ key: exportJwk(privateKey, { private: true }) as never, format: 'jwk' });
    const hash = { ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' }[alg];
    const der = nodeSign(hash, Buffer.from(input), { key: pkcs8, dsaEncoding: 'der' });
    throwsCode(
      () => verifyCompact(`${input}.${der.toString('base64url')}`, publicKey),
      'ERR_JWS_SIGNATURE_INVALID',
    );
    const p1363 = nodeSign(hash, Buffer.from(input), { key: pkcs8, dsaEncoding: 'ieee-p1363' });
    assert.equal(p1363.length, 2 * crvLen);
    assert.ok(verifyCompact(`${input}.${p1363.toString('base64url')}`, publicKey));
    // one byte short or long
    throwsCode(
      () => verifyCompact(`${input}.${p1363.subarray(1).toString('base64url')}`, publicKey),
      'ERR_JWS_SIGNATURE_INVALID',
    );
  }
});

test('ECDSA: r or s equal to 0 or n fail', () => {
  const { privateKey, publicKey } = generateKeyPair('ES256');
  const input = `${b64({ alg: 'ES256' })}.${P}`;
  const good = internalOf(privateKey).sign?.(input) as Buffer;
  const n = Buffer.from('FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551', 'hex');
  const r = good.subarray(0, 32);
  const s = good.subarray(32);
  const zero = Buffer.alloc(32);
  for (const sig of [
    Buffer.concat([zero, s]),
    Buffer.concat([r, zero]),
    Buffer.concat([n, s]),
    Buffer.concat([r, n]),
    Buffer.alloc(64),
  ]) {
    throwsCode(
      () => verifyCompact(`${input}.${sig.toString('base64url')}`, publicKey),
      'ERR_JWS_SIGNATURE_INVALID',
    );
  }
  assert.ok(verifyCompact(esToken(privateKey, good), publicKey));
});

test('PS*: salt length equals the hash length; other salt lengths fail', () => {
  const { privateKey, publicKey } = generateKeyPair('PS256');
  const input = `${b64({ alg: 'PS256' })}.${P}`;
  const raw = createPrivateKey({ key: exportJwk(privateKey, { private: true }) as never, format: 'jwk' });
  const ours = internalOf(privateKey).sign?.(input) as Buffer;
  const pub = internalOf(publicKey).verifyKeyObject;
  assert.equal(
    nodeVerify(
      'sha256',
      Buffer.from(input),
      { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      ours,
    ),
    true,
  );
  assert.equal(
    nodeVerify(
      'sha256',
      Buffer.from(input),
      { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 },
      ours,
    ),
    false,
  );
  for (const saltLength of [0, 20, 64]) {
    const sig = nodeSign('sha256', Buffer.from(input), {
      key: raw,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength,
    });
    throwsCode(
      () => verifyCompact(`${input}.${sig.toString('base64url')}`, publicKey),
      'ERR_JWS_SIGNATURE_INVALID',
    );
  }
  // PKCS#1 v1.5 signature under a PS256 header fails too
  const v15 = nodeSign('sha256', Buffer.from(input), raw);
  throwsCode(
    () => verifyCompact(`${input}.${v15.toString('base64url')}`, publicKey),
    'ERR_JWS_SIGNATURE_INVALID',
  );
});

test('crit names are checked as own header members (no prototype lookups)', () => {
  for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    const token = hs256(b64({ alg: 'HS256', crit: [name] }), P, secretBytes);
    throwsCode(() => verifyCompact(token, secret, { crit: { [name]: true } }), 'ERR_JWS_INVALID');
  }
});

test('signatures are over the UTF-8 of the token text: a non-ASCII twin never verifies', () => {
  const token = hs256(H, P, secretBytes);
  const i = token.lastIndexOf('.') - 1;
  const twin = token.slice(0, i) + String.fromCharCode(0x100 + token.charCodeAt(i)) + token.slice(i + 1);
  throwsCode(() => verifyCompact(twin, secret), 'ERR_JWS_INVALID');
  const { privateKey, publicKey } = generateKeyPair('EdDSA');
  const ed = signCompact('payload', privateKey);
  const j = ed.lastIndexOf('.') - 1;
  const edTwin = ed.slice(0, j) + String.fromCharCode(0x100 + ed.charCodeAt(j)) + ed.slice(j + 1);
  throwsCode(() => verifyCompact(edTwin, publicKey), 'ERR_JWS_INVALID');
  assert.equal(
    internalOf(publicKey).verifySegment?.(
      edTwin.slice(0, edTwin.lastIndexOf('.')),
      ed.slice(ed.lastIndexOf('.') + 1),
    ),
    false,
  );
});
