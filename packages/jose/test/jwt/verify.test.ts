import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  createLocalKeySet,
  createSigner,
  createVerifier,
  exportJwk,
  generateKeyPair,
  importJwk,
  JoseError,
  type JwtClaims,
  JwtClaimInvalid,
  verifyJwt,
} from '@signet/jose';
import { b64, hs256, NOW, NOW_S, throwsCode, throwsTypeError } from '../helpers.js';

const raw = randomBytes(32);
const key = importJwk({ kty: 'oct', k: raw.toString('base64url'), kid: 'k' }, { alg: 'HS256' });
const now = (): number => NOW;
const H = b64({ alg: 'HS256' });
const tok = (claims: unknown, header: string = H): string => hs256(header, b64(claims), raw);
const verify = (claims: unknown, options = {}): JwtClaims =>
  createVerifier(key, { now, ...options })(tok(claims)).payload;

function claimError(fn: () => unknown, claim: string, reason: string, code = 'ERR_JWT_CLAIM_INVALID'): void {
  const e = throwsCode(fn, code);
  assert.ok(e instanceof JwtClaimInvalid);
  assert.equal(e.claim, claim);
  assert.equal(e.reason, reason);
}

test('createVerifier returns a synchronous function for a key and a local key set', () => {
  const token = tok({ sub: 'x' });
  const r = createVerifier(key)(token);
  assert.ok(!(r instanceof Promise));
  assert.equal(r.payload.sub, 'x');
  assert.equal(r.key, key);
  const set = createLocalKeySet({ keys: [exportJwk(key, { private: true })] });
  assert.equal(createVerifier(set)(token).payload.sub, 'x');
  assert.equal(verifyJwt(token, key).payload.sub, 'x');
});

test('payload must be a strict JSON object → ERR_JWT_INVALID', () => {
  for (const payload of ['[1]', '"s"', '1', 'null', 'not json', '{"a":1,"a":2}', '{"__proto__":{"x":1}}']) {
    throwsCode(() => createVerifier(key)(hs256(H, b64(payload), raw)), 'ERR_JWT_INVALID');
  }
  assert.equal(({} as Record<string, unknown>).x, undefined);
  const invalidUtf8 = Buffer.from([0x7b, 0x22, 0xc3, 0x22, 0x3a, 0x31, 0x7d]).toString('base64url');
  throwsCode(() => createVerifier(key)(hs256(H, invalidUtf8, raw)), 'ERR_JWT_INVALID');
});

test('exp: expired at and after exp; clockTolerance extends it', () => {
  assert.ok(verify({ exp: NOW_S + 1 }));
  const e = throwsCode(() => verify({ exp: NOW_S }), 'ERR_JWT_EXPIRED');
  assert.ok(e instanceof JwtClaimInvalid);
  throwsCode(() => verify({ exp: NOW_S - 10 }), 'ERR_JWT_EXPIRED');
  assert.ok(verify({ exp: NOW_S - 10 }, { clockTolerance: 11 }));
  throwsCode(() => verify({ exp: NOW_S - 10 }, { clockTolerance: 10 }), 'ERR_JWT_EXPIRED');
});

test('nbf: not yet valid before nbf; clockTolerance applies', () => {
  assert.ok(verify({ nbf: NOW_S }));
  throwsCode(() => verify({ nbf: NOW_S + 1 }), 'ERR_JWT_NOT_YET_VALID');
  assert.ok(verify({ nbf: NOW_S + 5 }, { clockTolerance: 5 }));
});

test('registered claims with the wrong type are errors, never "absent"', () => {
  for (const [claim, value] of [
    ['exp', '9999999999'],
    ['exp', null],
    ['nbf', true],
    ['iat', [1]],
    ['iss', ['a']],
    ['sub', 1],
    ['jti', {}],
    ['aud', 5],
    ['aud', ['a', 1]],
    ['aud', null],
  ] as const) {
    claimError(() => verify({ [claim]: value }), claim, 'type');
  }
  // JSON cannot carry NaN/Infinity, but 1e400 parses to Infinity
  claimError(() => createVerifier(key, { now })(hs256(H, b64('{"exp":1e400}'), raw)), 'exp', 'type');
});

test('issuer: exact match, one of a list, missing fails', () => {
  assert.ok(verify({ iss: 'https://a' }, { issuer: 'https://a' }));
  assert.ok(verify({ iss: 'https://b' }, { issuer: ['https://a', 'https://b'] }));
  claimError(() => verify({ iss: 'https://a/' }, { issuer: 'https://a' }), 'iss', 'mismatch');
  claimError(() => verify({ iss: 'HTTPS://A' }, { issuer: 'https://a' }), 'iss', 'mismatch');
  claimError(() => verify({}, { issuer: 'https://a' }), 'iss', 'missing');
});

test('audience: string or array, any overlap, missing fails', () => {
  assert.ok(verify({ aud: 'api' }, { audience: 'api' }));
  assert.ok(verify({ aud: ['x', 'api'] }, { audience: 'api' }));
  assert.ok(verify({ aud: 'b' }, { audience: ['a', 'b'] }));
  claimError(() => verify({ aud: 'apix' }, { audience: 'api' }), 'aud', 'mismatch');
  claimError(() => verify({ aud: [] }, { audience: 'api' }), 'aud', 'mismatch');
  claimError(() => verify({}, { audience: 'api' }), 'aud', 'missing');
});

test('subject: exact, missing fails', () => {
  assert.ok(verify({ sub: 's' }, { subject: 's' }));
  claimError(() => verify({ sub: 'S' }, { subject: 's' }), 'sub', 'mismatch');
  claimError(() => verify({}, { subject: 's' }), 'sub', 'missing');
});

test('requiredClaims', () => {
  assert.ok(verify({ jti: 'x', scope: '' }, { requiredClaims: ['jti', 'scope'] }));
  claimError(() => verify({ jti: 'x' }, { requiredClaims: ['jti', 'scope'] }), 'scope', 'missing');
});

test('maxTokenAge requires iat and bounds the age', () => {
  assert.ok(verify({ iat: NOW_S - 60 }, { maxTokenAge: 60 }));
  claimError(() => verify({ iat: NOW_S - 61 }, { maxTokenAge: 60 }), 'iat', 'too_old');
  assert.ok(verify({ iat: NOW_S - 61 }, { maxTokenAge: 60, clockTolerance: 1 }));
  claimError(() => verify({}, { maxTokenAge: 60 }), 'iat', 'missing');
});

test('typ: case-insensitive, application/ prefix optional (RFC 7515 §4.1.9)', () => {
  for (const typ of ['at+jwt', 'at+JWT', 'AT+JWT', 'application/at+jwt', 'Application/AT+jwt']) {
    assert.ok(createVerifier(key, { typ: 'at+jwt' })(tok({}, b64({ alg: 'HS256', typ }))), typ);
  }
  assert.ok(
    createVerifier(key, { typ: 'application/at+jwt' })(tok({}, b64({ alg: 'HS256', typ: 'at+jwt' }))),
  );
  claimError(
    () => createVerifier(key, { typ: 'at+jwt' })(tok({}, b64({ alg: 'HS256', typ: 'JWT' }))),
    'typ',
    'mismatch',
  );
  claimError(() => createVerifier(key, { typ: 'at+jwt' })(tok({})), 'typ', 'missing');
});

test('the signature is checked before any claim: a bad signature always wins', () => {
  const bad = (claims: unknown, header = H): string => {
    const t = tok(claims, header);
    return `${t.slice(0, t.lastIndexOf('.'))}.${Buffer.alloc(32, 1).toString('base64url')}`;
  };
  const strict = createVerifier(key, {
    now,
    issuer: 'i',
    audience: 'a',
    subject: 's',
    typ: 'at+jwt',
    maxTokenAge: 1,
  });
  for (const claims of [{ exp: 1 }, { nbf: NOW_S + 100 }, { iss: 'x' }, { aud: 5 }, {}, { exp: 'x' }]) {
    throwsCode(() => strict(bad(claims)), 'ERR_JWS_SIGNATURE_INVALID');
  }
  throwsCode(() => strict(bad({}, b64({ alg: 'HS256', typ: 'wrong' }))), 'ERR_JWS_SIGNATURE_INVALID');
  throwsCode(() => strict(hs256(H, b64('[1]'), randomBytes(32))), 'ERR_JWS_SIGNATURE_INVALID');
});

test('error messages never contain the token or its parts', () => {
  const v = createVerifier(key, { now, issuer: 'i', audience: 'a' });
  const secretClaims = { iss: 'i', aud: 'zzz-secret-audience', sub: 'zzz-secret-sub', exp: NOW_S + 10 };
  const cases = [
    tok(secretClaims),
    tok({ ...secretClaims, exp: 1 }),
    `${tok(secretClaims).slice(0, -4)}AAAA`,
    `${tok(secretClaims)}.x`,
    tok(secretClaims, b64({ alg: 'HS512', kid: 'zzz-secret-kid' })),
  ];
  for (const token of cases) {
    try {
      v(token);
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof JoseError);
      const text = `${e.message} ${e.stack ?? ''} ${JSON.stringify(e)}`;
      for (const part of [
        token,
        ...token.split('.').filter((p) => p.length > 3),
        'zzz-secret',
        raw.toString('base64url'),
      ]) {
        assert.ok(!text.includes(part), `error text leaks ${part.slice(0, 12)}…`);
      }
    }
  }
});

test('options are validated once: misuse → TypeError naming the option', () => {
  throwsTypeError(() => createVerifier(key, { issuer: 5 as never }), 'issuer');
  throwsTypeError(() => createVerifier(key, { issuer: [] }), 'issuer');
  throwsTypeError(() => createVerifier(key, { audience: [1] as never }), 'audience');
  throwsTypeError(() => createVerifier(key, { subject: [] as never }), 'subject');
  throwsTypeError(() => createVerifier(key, { typ: 1 as never }), 'typ');
  throwsTypeError(() => createVerifier(key, { clockTolerance: -1 }), 'clockTolerance');
  throwsTypeError(() => createVerifier(key, { clockTolerance: '5' as never }), 'clockTolerance');
  throwsTypeError(() => createVerifier(key, { maxTokenAge: Number.NaN }), 'maxTokenAge');
  throwsTypeError(() => createVerifier(key, { requiredClaims: 'exp' as never }), 'requiredClaims');
  throwsTypeError(() => createVerifier(key, { maxTokenSize: 1.5 }), 'maxTokenSize');
  throwsTypeError(() => createVerifier(key, { now: Date.now() as never }), 'now');
  throwsTypeError(() => createVerifier(key, { cache: 'yes' as never }), 'cache');
  throwsTypeError(() => createVerifier(key, { cache: { max: 0 } }), 'cache.max');
  throwsTypeError(() => createVerifier(key, { algorithms: ['HS256', 'none'] }), 'algorithms');
  throwsTypeError(() => createVerifier(key, { algorithms: ['RS256'] }), 'algorithms');
  throwsTypeError(() => createVerifier(key, { audiance: 'x' } as never), 'audiance');
  throwsTypeError(() => createVerifier('secret' as never), 'keyOrSet');
  const pair = generateKeyPair('ES256');
  const noVerify = importJwk({ ...exportJwk(pair.privateKey, { private: true }), key_ops: ['sign'] });
  throwsTypeError(() => createVerifier(noVerify), 'key');
});

test('a JWT signed by createSigner with every option verifies with the matching verifier', () => {
  const pair = generateKeyPair('ES256', { kid: 'e1' });
  const sign = createSigner(pair.privateKey, {
    issuer: 'https://auth',
    audience: 'api',
    subject: 'svc',
    typ: 'at+jwt',
    expiresIn: 300,
    jti: true,
    now,
  });
  const v = createVerifier(createLocalKeySet({ keys: [exportJwk(pair.publicKey)] }), {
    issuer: 'https://auth',
    audience: 'api',
    subject: 'svc',
    typ: 'at+jwt',
    maxTokenAge: 10,
    requiredClaims: ['jti'],
    now,
  });
  const r = v(sign({ scope: 'read' }));
  assert.equal(r.payload.scope, 'read');
  assert.equal(r.key.kid, 'e1');
});

test('requiredClaims are own members: inherited names do not count', () => {
  claimError(() => verify({}, { requiredClaims: ['toString'] }), 'toString', 'missing');
  claimError(() => verify({}, { requiredClaims: ['constructor'] }), 'constructor', 'missing');
});
