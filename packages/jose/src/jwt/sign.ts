/**
 * JWT signing (RFC 7519 §7.1) with options compiled once.
 */
import { randomUUID } from 'node:crypto';
import type { JwtClaims } from '../lib/claims.js';
import { encodeHeader, signerOf, signSegments } from '../lib/jws_sign.js';
import type { Key } from '../lib/key.js';
import {
  checkKnownOptions,
  optionalFunction,
  optionalNumber,
  optionalString,
  stringList,
} from '../lib/options.js';

/** Options of {@link createSigner} and {@link signJwt}. Values set here override the same claims. */
export interface SignerOptions {
  /** Header `typ`, e.g. `at+jwt`. */
  typ?: string;
  /** Lifetime in seconds: sets `exp = now + expiresIn`. */
  expiresIn?: number;
  /** Seconds from now: sets `nbf = now + notBefore`. */
  notBefore?: number;
  /** Set `iat` to now. Default true. */
  iat?: boolean;
  /** `true` sets a random UUID `jti`; a function supplies one. */
  jti?: boolean | (() => string);
  issuer?: string;
  audience?: string | string[];
  subject?: string;
  /** Extra protected header parameters (not `alg`, which is the key's). */
  header?: Record<string, unknown>;
  /** Clock in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** A compiled signer. */
export type Signer = (claims: JwtClaims) => string;

const OPTION_NAMES = [
  'typ',
  'expiresIn',
  'notBefore',
  'iat',
  'jti',
  'issuer',
  'audience',
  'subject',
  'header',
  'now',
] as const;

const isNumericDate = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

// Unrolled: this runs on every signature, and a loop over claim names costs more than the rest
// of the JSON encoding.
function checkClaimTypes(c: JwtClaims): void {
  const { exp, nbf, iat, iss, sub, jti, aud } = c;
  if (exp !== undefined && !isNumericDate(exp))
    throw new TypeError('claim "exp" must be a finite number (NumericDate)');
  if (nbf !== undefined && !isNumericDate(nbf))
    throw new TypeError('claim "nbf" must be a finite number (NumericDate)');
  if (iat !== undefined && !isNumericDate(iat))
    throw new TypeError('claim "iat" must be a finite number (NumericDate)');
  if (iss !== undefined && typeof iss !== 'string') throw new TypeError('claim "iss" must be a string');
  if (sub !== undefined && typeof sub !== 'string') throw new TypeError('claim "sub" must be a string');
  if (jti !== undefined && typeof jti !== 'string') throw new TypeError('claim "jti" must be a string');
  if (
    aud !== undefined &&
    typeof aud !== 'string' &&
    !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))
  ) {
    throw new TypeError('claim "aud" must be a string or an array of strings');
  }
}

/**
 * Compiles a JWT signer for a private or secret key. `alg` and `kid` come from the key.
 *
 * @throws {TypeError} for a public key or invalid options.
 * @example
 * ```ts
 * const sign = createSigner(privateKey, { issuer: 'https://auth.example', expiresIn: 300, typ: 'at+jwt' });
 * const token = sign({ sub: 'svc-1', aud: 'api' });
 * ```
 */
export function createSigner(key: Key, options: SignerOptions = {}): Signer {
  checkKnownOptions(options, OPTION_NAMES, 'signer options');
  const sign = signerOf(key);
  const typ = optionalString(options.typ, 'typ');
  const expiresIn = optionalNumber(options.expiresIn, 'expiresIn');
  const notBefore = optionalNumber(options.notBefore, 'notBefore', Number.NEGATIVE_INFINITY);
  if (options.iat !== undefined && typeof options.iat !== 'boolean')
    throw new TypeError('"iat" must be a boolean');
  const setIat = options.iat ?? true;
  const jtiOption = options.jti;
  if (jtiOption !== undefined && typeof jtiOption !== 'boolean' && typeof jtiOption !== 'function') {
    throw new TypeError('"jti" must be a boolean or a function');
  }
  const makeJti = jtiOption === true ? randomUUID : typeof jtiOption === 'function' ? jtiOption : undefined;
  const issuer = optionalString(options.issuer, 'issuer');
  const audienceList = stringList(options.audience, 'audience');
  const audience = typeof options.audience === 'string' ? options.audience : audienceList;
  const subject = optionalString(options.subject, 'subject');
  const now = optionalFunction<() => number>(options.now, 'now') ?? Date.now;
  const headerSegment = encodeHeader(key, typ === undefined ? options.header : { ...options.header, typ });
  const needsTime = setIat || expiresIn !== undefined || notBefore !== undefined;

  // The claims this signer sets are JSON-encoded once, here; per call only the caller's claims
  // and the clock are encoded (the fast path below yields the same JSON as the general path).
  const staticTail =
    (issuer === undefined ? '' : `,"iss":${JSON.stringify(issuer)}`) +
    (subject === undefined ? '' : `,"sub":${JSON.stringify(subject)}`) +
    (audience === undefined ? '' : `,"aud":${JSON.stringify(audience)}`);
  const setsClaim = (c: JwtClaims): boolean =>
    (setIat && c.iat !== undefined) ||
    (expiresIn !== undefined && c.exp !== undefined) ||
    (notBefore !== undefined && c.nbf !== undefined) ||
    (issuer !== undefined && c.iss !== undefined) ||
    (subject !== undefined && c.sub !== undefined) ||
    (audience !== undefined && c.aud !== undefined) ||
    (makeJti !== undefined && c.jti !== undefined);

  const general = (claims: JwtClaims): string => {
    const payload: JwtClaims = { ...claims };
    if (needsTime) {
      const t = Math.floor(now() / 1000);
      if (setIat) payload.iat = t;
      if (expiresIn !== undefined) payload.exp = t + expiresIn;
      if (notBefore !== undefined) payload.nbf = t + notBefore;
    }
    if (issuer !== undefined) payload.iss = issuer;
    if (subject !== undefined) payload.sub = subject;
    if (audience !== undefined) payload.aud = audience as string | string[];
    if (makeJti !== undefined) payload.jti = nextJti(makeJti);
    checkClaimTypes(payload);
    return signSegments(
      sign,
      headerSegment,
      Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url'),
    );
  };

  return (claims: JwtClaims): string => {
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
      throw new TypeError('"claims" must be an object');
    }
    // The caller's claims must not overlap the ones this signer sets (the general path lets the
    // signer's values win in place), and the clock must give a finite time.
    if (setsClaim(claims)) return general(claims);
    const t = needsTime ? Math.floor(now() / 1000) : 0;
    if (!Number.isFinite(t)) return general(claims);
    checkClaimTypes(claims);
    const own = JSON.stringify(claims);
    if (typeof own !== 'string' || own.charCodeAt(0) !== 0x7b) return general(claims);
    // `{"a":1}` + `,"iat":…` + `}`; for `{}` the first member takes no comma.
    let json = own.length === 2 ? '{' : own.slice(0, -1);
    let sep = own.length === 2 ? '' : ',';
    if (setIat) {
      json += `${sep}"iat":${t}`;
      sep = ',';
    }
    if (expiresIn !== undefined) {
      json += `${sep}"exp":${t + expiresIn}`;
      sep = ',';
    }
    if (notBefore !== undefined) {
      json += `${sep}"nbf":${t + notBefore}`;
      sep = ',';
    }
    if (staticTail !== '') {
      json += sep === '' ? staticTail.slice(1) : staticTail;
      sep = ',';
    }
    if (makeJti !== undefined) json += `${sep}"jti":${JSON.stringify(nextJti(makeJti))}`;
    return signSegments(sign, headerSegment, Buffer.from(`${json}}`, 'utf8').toString('base64url'));
  };
}

function nextJti(makeJti: () => string): string {
  const jti = makeJti();
  if (typeof jti !== 'string' || jti.length === 0) throw new TypeError('"jti" function must return a string');
  return jti;
}

/**
 * Signs one JWT (compiles the options each call: prefer {@link createSigner} on hot paths).
 *
 * @example
 * ```ts
 * const token = signJwt({ sub: 'user-1' }, secret, { expiresIn: 60 });
 * ```
 */
export function signJwt(claims: JwtClaims, key: Key, options?: SignerOptions): string {
  return createSigner(key, options)(claims);
}
