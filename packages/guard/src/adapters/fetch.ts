import type { GuardError } from '../errors.js';
import type { Guard } from '../guard.js';
import type { Auth } from '../types.js';
import { type AdapterOptions, errorJson, runGuard } from './common.js';

/**
 * Renders a `GuardError` as a fetch-API `Response`.
 *
 * @example
 * return guardErrorResponse(guard.toGuardError(err));
 */
export function guardErrorResponse(error: GuardError): Response {
  return new Response(errorJson(error), { status: error.status, headers: error.headers });
}

/**
 * For web-standard runtimes: resolves the `Auth` (or `undefined` in optional mode without a token), or the
 * error `Response` to return as it is.
 *
 * @example
 * export default { async fetch(request) {
 *   const auth = await authenticateRequest(guard, request);
 *   if (auth instanceof Response) return auth;
 *   return Response.json({ hello: auth?.subject });
 * } };
 */
export async function authenticateRequest(
  guard: Guard,
  request: Request,
  options?: AdapterOptions,
): Promise<Auth | Response | undefined> {
  const result = await runGuard(guard, request, options);
  return result.ok ? result.auth : guardErrorResponse(result.error);
}
