/**
 * JWT claim checks (RFC 7519 §4.1), compiled once per verifier.
 *
 * A wrongly typed registered claim is always an error, never "absent": otherwise `"exp": "0"` would
 * quietly make a token eternal, and `"aud": 5` would skip the audience check.
 */
import { JwtClaimInvalid, JwtExpired, JwtNotYetValid } from '../errors.js';

/** Registered and custom JWT claims. */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}

/** Settings the claim checks need, already validated. */
export interface ClaimsConfig {
  readonly issuer: readonly string[] | undefined;
  readonly audience: readonly string[] | undefined;
  readonly subject: string | undefined;
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
  readonly requiredClaims: readonly string[];
}

const isNumericDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function typeError(claim: string, expected: string): JwtClaimInvalid {
  return new JwtClaimInvalid(`"${claim}" claim must be ${expected}`, claim, 'type');
}

/** Checks the claims of a payload whose signature has already been verified. */
export function checkClaims(p: JwtClaims, config: ClaimsConfig, nowMs: number): void {
  const { exp, nbf, iat, iss, sub, aud, jti } = p;
  // Types first, for every registered claim present, configured or not.
  if (exp !== undefined && !isNumericDate(exp)) throw typeError('exp', 'a NumericDate');
  if (nbf !== undefined && !isNumericDate(nbf)) throw typeError('nbf', 'a NumericDate');
  if (iat !== undefined && !isNumericDate(iat)) throw typeError('iat', 'a NumericDate');
  if (iss !== undefined && typeof iss !== 'string') throw typeError('iss', 'a string');
  if (sub !== undefined && typeof sub !== 'string') throw typeError('sub', 'a string');
  if (jti !== undefined && typeof jti !== 'string') throw typeError('jti', 'a string');
  if (aud !== undefined && typeof aud !== 'string') {
    if (!Array.isArray(aud) || aud.some((a) => typeof a !== 'string')) {
      throw typeError('aud', 'a string or an array of strings');
    }
  }
  for (const name of config.requiredClaims) {
    if (!Object.hasOwn(p, name) || p[name] === undefined)
      throw new JwtClaimInvalid(`"${name}" claim is missing`, name, 'missing');
  }
  const now = nowMs / 1000;
  const tol = config.clockTolerance;
  if (exp !== undefined && now - tol >= exp) throw new JwtExpired('token has expired');
  if (nbf !== undefined && now + tol < nbf) throw new JwtNotYetValid('token is not yet valid');
  if (config.maxTokenAge !== undefined) {
    if (iat === undefined) throw new JwtClaimInvalid('"iat" claim is missing', 'iat', 'missing');
    if (now - tol - iat > config.maxTokenAge) throw new JwtClaimInvalid('token is too old', 'iat', 'too_old');
  }
  const { issuer, audience, subject } = config;
  if (issuer !== undefined) {
    if (iss === undefined) throw new JwtClaimInvalid('"iss" claim is missing', 'iss', 'missing');
    if (!issuer.includes(iss)) throw new JwtClaimInvalid('"iss" claim does not match', 'iss', 'mismatch');
  }
  if (subject !== undefined) {
    if (sub === undefined) throw new JwtClaimInvalid('"sub" claim is missing', 'sub', 'missing');
    if (sub !== subject) throw new JwtClaimInvalid('"sub" claim does not match', 'sub', 'mismatch');
  }
  if (audience !== undefined) {
    if (aud === undefined) throw new JwtClaimInvalid('"aud" claim is missing', 'aud', 'missing');
    const ok = typeof aud === 'string' ? audience.includes(aud) : aud.some((a) => audience.includes(a));
    if (!ok) throw new JwtClaimInvalid('"aud" claim does not match', 'aud', 'mismatch');
  }
}

/** The time window (ms) in which a verified payload stays valid, for the verified-token cache. */
export function validityWindow(p: JwtClaims, config: ClaimsConfig): { from: number; until: number } {
  const tol = config.clockTolerance;
  let until = p.exp === undefined ? Number.POSITIVE_INFINITY : (p.exp + tol) * 1000;
  if (config.maxTokenAge !== undefined && p.iat !== undefined) {
    until = Math.min(until, (p.iat + config.maxTokenAge + tol) * 1000);
  }
  const from = p.nbf === undefined ? Number.NEGATIVE_INFINITY : (p.nbf - tol) * 1000;
  return { from, until };
}

/** RFC 7515 §4.1.9: media types compare case-insensitively, `application/` may be omitted. */
export function normalizeTyp(typ: string): string {
  const t = typ.toLowerCase();
  return t.startsWith('application/') ? t.slice(12) : t;
}
