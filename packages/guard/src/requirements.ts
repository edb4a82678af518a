import type { JwtClaims } from '@signet/jose';
import { type GuardError, guardErrors } from './errors.js';
import type { Auth, AuthCheck } from './types.js';

/** Realm placeholder: the guard re-targets errors from these helpers to its own realm. */
const NO_REALM = 'api';

function scopeList(name: string, scopes: string | readonly string[]): readonly string[] {
  const list = typeof scopes === 'string' ? scopes.split(' ').filter((s) => s !== '') : [...scopes];
  if (list.length === 0 || list.some((s) => typeof s !== 'string' || s === '' || /[\s"\\]/.test(s))) {
    throw new TypeError(`"${name}" must be a non-empty list of scope tokens`);
  }
  return Object.freeze(list);
}

function claimMismatch(claim: string): GuardError {
  return guardErrors.invalidToken(NO_REALM, `claim:${claim}`);
}

/**
 * Requires every listed scope (403 `insufficient_scope` with `scope="…"` otherwise).
 *
 * @example
 * app.get('/orders', expressAuth(guard, { require: [requiredScopes('orders:read')] }), handler);
 */
export function requiredScopes(scopes: string | readonly string[]): AuthCheck {
  const list = scopeList('requiredScopes', scopes);
  return (auth: Auth) => {
    for (const s of list) if (!auth.scopes.includes(s)) throw guardErrors.insufficientScope(NO_REALM, list);
  };
}

/**
 * Requires at least one of the listed scopes (403 `insufficient_scope` otherwise).
 *
 * @example
 * const check = scopeIncludesAny(['orders:read', 'orders:admin']);
 */
export function scopeIncludesAny(scopes: string | readonly string[]): AuthCheck {
  const list = scopeList('scopeIncludesAny', scopes);
  return (auth: Auth) => {
    if (!list.some((s) => auth.scopes.includes(s))) throw guardErrors.insufficientScope(NO_REALM, list);
  };
}

/**
 * Requires a claim to equal a primitive value (401 `invalid_token` otherwise; the claim name is the private reason).
 *
 * @example
 * const check = claimEquals('tenant', 'acme');
 */
export function claimEquals(claim: string, value: string | number | boolean | null): AuthCheck {
  if (typeof claim !== 'string' || claim === '') throw new TypeError('"claim" must be a non-empty string');
  return (auth: Auth) => {
    if (auth.claims[claim] !== value) throw claimMismatch(claim);
  };
}

/**
 * Requires a claim (an array, or a space-separated string) to include every listed value.
 *
 * @example
 * const check = claimIncludes('roles', 'admin', 'billing');
 */
export function claimIncludes(claim: string, ...values: Array<string | number | boolean>): AuthCheck {
  if (typeof claim !== 'string' || claim === '') throw new TypeError('"claim" must be a non-empty string');
  if (values.length === 0) throw new TypeError('"values" must not be empty');
  return (auth: Auth) => {
    const raw = auth.claims[claim];
    const have: unknown[] = typeof raw === 'string' ? raw.split(' ') : Array.isArray(raw) ? raw : [];
    for (const v of values) if (!have.includes(v)) throw claimMismatch(claim);
  };
}

/**
 * Runs a predicate over the claims (401 `invalid_token` when it returns false).
 *
 * @example
 * const check = claimCheck((claims) => claims.azp === 'web', 'azp');
 */
export function claimCheck(
  predicate: (claims: Readonly<JwtClaims>) => boolean,
  name = 'claimCheck',
): AuthCheck {
  if (typeof predicate !== 'function') throw new TypeError('"predicate" must be a function');
  return (auth: Auth) => {
    if (predicate(auth.claims) !== true) throw claimMismatch(name);
  };
}
