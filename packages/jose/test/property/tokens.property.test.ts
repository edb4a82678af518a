/**
 * Property tests (fast-check): any change to a valid token fails with a JoseError, and arbitrary
 * input — strings, bytes, JSON-ish headers — never throws anything but a JoseError.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Alg,
  decodeUnverified,
  generateKeyPair,
  generateSecret,
  JoseError,
  type Key,
  signCompact,
  signJwt,
  verifyCompact,
  verifyJwt,
} from '@signet/jose';
import fc from 'fast-check';
import { internalOf } from '../../src/lib/key.js';

const RUNS = Number(process.env.SIGNET_PROPERTY_RUNS ?? 300);

/** Runs fn; returns its value, or undefined when it threw a JoseError. Anything else fails. */
function onlyJoseErrors<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof JoseError && /^ERR_/.test(error.code)) return undefined;
    throw new assert.AssertionError({
      message: `expected a JoseError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    });
  }
}

function assertRejected(fn: () => unknown, context: string): void {
  let threw = false;
  try {
    fn();
  } catch (error) {
    threw = true;
    assert.ok(
      error instanceof JoseError,
      `${context}: ${error instanceof Error ? error.name : typeof error} is not a JoseError`,
    );
    assert.match(error.code, /^ERR_/);
  }
  assert.ok(threw, `${context}: a changed token was accepted`);
}

interface Pair {
  alg: Alg;
  sign: Key;
  verify: Key;
}
function pair(alg: Alg): Pair {
  if (alg.startsWith('HS')) {
    const k = generateSecret(alg as 'HS256');
    return { alg, sign: k, verify: k };
  }
  const { privateKey, publicKey } = generateKeyPair(alg);
  return { alg, sign: privateKey, verify: publicKey };
}

const PAIRS: readonly Pair[] = (['HS256', 'ES256', 'EdDSA', 'RS256', 'PS256', 'ES512'] as const).map(pair);
const b64u = (data: Uint8Array | string) => Buffer.from(data).toString('base64url');

describe('any change to a valid token fails', () => {
  for (const p of PAIRS) {
    const jwt = signJwt({ sub: 'user', scope: 'read write', n: 1 }, p.sign, {
      expiresIn: 3600,
      issuer: 'https://i',
    });
    const jws = signCompact(new Uint8Array([0, 1, 2, 3, 250, 251, 252]), p.sign);
    assert.doesNotThrow(() => verifyJwt(jwt, p.verify));

    test(`${p.alg}: one character replaced by any other byte value`, () => {
      fc.assert(
        fc.property(fc.nat(jwt.length - 1), fc.integer({ min: 0, max: 255 }), (pos, code) => {
          fc.pre(jwt.charCodeAt(pos) !== code);
          const changed = jwt.slice(0, pos) + String.fromCharCode(code) + jwt.slice(pos + 1);
          assertRejected(() => verifyJwt(changed, p.verify), `pos ${pos}`);
          assertRejected(() => verifyCompact(changed, p.verify), `pos ${pos} (JWS)`);
        }),
        { numRuns: RUNS },
      );
    });

    // Node's base64 decoder reads a UTF-16 unit through its low byte: U+0144 would decode as 'D'.
    // Half the runs draw exactly such a twin of the replaced character, half any unit above 0xFF.
    test(`${p.alg}: one character replaced by a UTF-16 code unit above 0xFF`, () => {
      fc.assert(
        fc.property(
          fc.nat(jwt.length - 1),
          fc.boolean(),
          fc.integer({ min: 1, max: 255 }),
          fc.integer({ min: 0x100, max: 0xffff }),
          (pos, twin, high, any) => {
            const code = twin ? jwt.charCodeAt(pos) + high * 0x100 : any;
            const changed = jwt.slice(0, pos) + String.fromCharCode(code) + jwt.slice(pos + 1);
            const where = `pos ${pos} U+${code.toString(16)}`;
            assertRejected(() => verifyJwt(changed, p.verify), where);
            assertRejected(() => verifyCompact(changed, p.verify), `${where} (JWS)`);
          },
        ),
        { numRuns: RUNS },
      );
    });

    test(`${p.alg}: one decoded byte of header, payload or signature changed`, () => {
      const segments = jws.split('.').map((s) => Buffer.from(s, 'base64url'));
      fc.assert(
        fc.property(fc.nat(2), fc.nat(), fc.integer({ min: 1, max: 255 }), (seg, at, xor) => {
          const parts = segments.map((b) => Buffer.from(b));
          const target = parts[seg]!;
          fc.pre(target.length > 0);
          const i = at % target.length;
          target[i] = target[i]! ^ xor;
          const changed = parts.map((b) => b64u(b)).join('.');
          assertRejected(() => verifyCompact(changed, p.verify), `segment ${seg} byte ${i}`);
        }),
        { numRuns: RUNS },
      );
    });

    test(`${p.alg}: characters inserted or removed`, () => {
      fc.assert(
        fc.property(
          fc.nat(jwt.length),
          fc.nat(3),
          fc.string({ minLength: 0, maxLength: 3 }),
          (pos, del, ins) => {
            const changed = jwt.slice(0, pos) + ins + jwt.slice(pos + del);
            fc.pre(changed !== jwt);
            assertRejected(() => verifyJwt(changed, p.verify), `splice at ${pos}`);
          },
        ),
        { numRuns: RUNS },
      );
    });
  }
});

describe('arbitrary input throws only JoseError', () => {
  const hs = PAIRS[0]!;
  const es = PAIRS[1]!;
  const attempt = (token: string) => {
    onlyJoseErrors(() => verifyCompact(token, hs.verify));
    onlyJoseErrors(() => verifyJwt(token, es.verify, { issuer: 'x', audience: 'y' }));
    onlyJoseErrors(() => decodeUnverified(token));
  };
  const segment = fc.oneof(
    fc.string(),
    fc.base64String().map((s) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')),
    fc.json().map((j) => b64u(j)),
    fc.uint8Array({ maxLength: 64 }).map((b) => b64u(b)),
  );

  test('arbitrary unicode strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), attempt), { numRuns: RUNS });
  });
  test('arbitrary bytes as a latin1 string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) =>
        attempt(Buffer.from(bytes).toString('latin1')),
      ),
      { numRuns: RUNS },
    );
  });
  test('dot-joined segments of base64url, JSON, bytes and garbage', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (parts) => attempt(parts.join('.'))),
      { numRuns: RUNS },
    );
  });
  test('oversized input', () => {
    attempt('a'.repeat(1 << 20));
    attempt(`${'eyJ'.repeat(10_000)}.${'a'.repeat(10_000)}.${'b'.repeat(100)}`);
  });
});

describe('JSON-ish headers with a valid signature throw only JoseError', () => {
  const hs = PAIRS[0]!;
  const sign = internalOf(hs.sign).sign!;
  const header = fc.record(
    {
      alg: fc.oneof(
        fc.constantFrom('HS256', 'HS384', 'ES256', 'none', 'None', 'RS256', ''),
        fc.string(),
        fc.jsonValue(),
      ),
      kid: fc.oneof(fc.string(), fc.jsonValue()),
      typ: fc.oneof(fc.constantFrom('JWT', 'at+jwt'), fc.jsonValue()),
      crit: fc.oneof(
        fc.array(fc.oneof(fc.constantFrom('b64', 'exp', 'alg', 'kid'), fc.string())),
        fc.jsonValue(),
      ),
      b64: fc.oneof(fc.boolean(), fc.jsonValue()),
      jwk: fc.jsonValue(),
      jku: fc.string(),
      x5c: fc.jsonValue(),
      ['__proto__']: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  const payload = fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc
      .record(
        {
          exp: fc.jsonValue(),
          nbf: fc.jsonValue(),
          iat: fc.jsonValue(),
          aud: fc.jsonValue(),
          iss: fc.jsonValue(),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
    fc.string(),
  );

  test('headers and payloads, signed with the verifier key', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          header.map((h) => JSON.stringify(h)),
          fc.json(),
          fc.string(),
          fc.constant('{"alg":"HS256","alg":"HS256"}'),
          fc.constant('{"alg":"HS256","__proto__":{"polluted":1}}'),
          fc.constant(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`),
        ),
        payload,
        (h, pl) => {
          const input = `${b64u(h)}.${b64u(pl)}`;
          const token = `${input}.${b64u(sign(input))}`;
          const jws = onlyJoseErrors(() => verifyCompact(token, hs.verify));
          if (jws) assert.equal(jws.header.alg, 'HS256', 'only the key’s alg can ever verify');
          const jwt = onlyJoseErrors(() => verifyJwt(token, hs.verify));
          if (jwt) assert.equal(typeof jwt.payload, 'object');
          onlyJoseErrors(() => decodeUnverified(token));
          assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
        },
      ),
      { numRuns: RUNS },
    );
  });
});
