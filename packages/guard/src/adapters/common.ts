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

/** Runs the guard for a request; never throws (every failure becomes a renderable `GuardError`). */
export async function runGuard(
  guard: Guard,
  request: RequestLike,
  options: AdapterOptions | undefined,
): Promise<AdapterResult> {
  const required = options?.authRequired ?? guard.options.authRequired;
  try {
    const auth = required
      ? await guard.authenticate(request, options)
      : await guard.authenticateOptional(request, options);
    return { ok: true, auth };
  } catch (e) {
    return { ok: false, error: guard.toGuardError(e) };
  }
}

/** The JSON text of an error body. */
export function errorJson(error: GuardError): string {
  return JSON.stringify(error.body);
}
