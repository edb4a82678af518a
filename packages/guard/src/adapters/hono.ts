import type { Auth } from '../types.js';
import type { Guard } from '../guard.js';
import { type AdapterOptions, runGuard } from './common.js';
import { guardErrorResponse } from './fetch.js';

/** Hono variables set by {@link honoAuth}: `new Hono<{ Variables: GuardVariables }>()`. */
export type GuardVariables = { auth: Auth | undefined };

/** The parts of a Hono context the middleware uses (structural: hono is not a dependency). */
export interface HonoContextLike {
  req: { raw: Request };
  set(key: 'auth', value: Auth | undefined): void;
}

/**
 * Hono middleware: `c.get('auth')` holds the verified token, or it answers 401/403/400 per RFC 6750.
 *
 * @example
 * const app = new Hono<{ Variables: GuardVariables }>();
 * app.get('/orders', honoAuth(guard, { scopes: ['orders:read'] }), (c) => c.json(c.get('auth')?.claims));
 */
export function honoAuth(guard: Guard, options?: AdapterOptions) {
  return async (c: HonoContextLike, next: () => Promise<void>): Promise<Response | undefined> => {
    const result = await runGuard(guard, c.req.raw, options);
    if (!result.ok) return guardErrorResponse(result.error);
    c.set('auth', result.auth);
    await next();
    return undefined;
  };
}
