import type { Guard } from '../guard.js';
import type { GuardError } from '../errors.js';
import type { Auth, AuthenticateOptions, RequestLike } from '../types.js';

/** Options shared by every adapter. */
export interface AdapterOptions extends AuthenticateOptions {
  /** Overrides the guard's `authRequired` for this middleware. */
  readonly authRequired?: boolean | undefined;
}

/** The outcome of one adapter call: the auth (or undefined in optional mode), or the error to render. */
export type AdapterResult = { ok: true; auth: Auth | undefined } | { ok: false; error: GuardError };

/**
 * Runs the guard for a request; never throws (every failure becomes a renderable `GuardError`). The
 * result comes without a promise whenever the guard can answer at once (a cached token, keys already
 * loaded): `await` it, or test it with {@link isPending} on a hot path.
 */
export function runGuard(
  guard: Guard,
  request: RequestLike,
  options: AdapterOptions | undefined,
): AdapterResult | Promise<AdapterResult> {
  const required = options?.authRequired ?? guard.options.authRequired;
  let auth: Auth | undefined | Promise<Auth | undefined>;
  try {
    auth = guard.authenticateNow(request, options, required);
  } catch (e) {
    return { ok: false, error: guard.toGuardError(e) };
  }
  if (auth instanceof Promise) {
    return auth.then(
      (value): AdapterResult => ({ ok: true, auth: value }),
      (e: unknown): AdapterResult => ({ ok: false, error: guard.toGuardError(e) }),
    );
  }
  return { ok: true, auth };
}

/** True when {@link runGuard} has to wait. */
export function isPending(result: AdapterResult | Promise<AdapterResult>): result is Promise<AdapterResult> {
  return result instanceof Promise;
}

/** The JSON text of an error body. */
export function errorJson(error: GuardError): string {
  return JSON.stringify(error.body);
}
