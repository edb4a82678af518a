import type { Auth } from '../types.js';
import type { Guard } from '../guard.js';
import { type AdapterOptions, type AdapterResult, errorJson, isPending, runGuard } from './common.js';

/** The parts of an Express request the middleware uses (structural: express is not a dependency). */
export interface ExpressRequestLike {
  headers: Record<string, string | string[] | undefined>;
  rawHeaders?: string[];
  originalUrl?: string;
  url?: string;
  auth?: Auth | undefined;
}

/** The parts of an Express response the middleware uses. */
export interface ExpressResponseLike {
  status(code: number): ExpressResponseLike;
  set(headers: Record<string, string>): ExpressResponseLike;
  send(body: unknown): unknown;
}

/** Express adapter options. */
export interface ExpressAuthOptions extends AdapterOptions {
  /** `next`: pass the `GuardError` (it has `status` and `headers`) to your error handler; default `respond`. */
  readonly onError?: 'respond' | 'next';
}

/**
 * Express middleware: sets `req.auth` (`{ header, payload, token, subject, clientId, scopes, … }`) or answers
 * 401/403/400 per RFC 6750.
 *
 * @example
 * app.get('/orders', expressAuth(guard, { scopes: ['orders:read'] }), (req, res) => res.json(req.auth.payload));
 */
export function expressAuth(guard: Guard, options?: ExpressAuthOptions) {
  const passErrors = options?.onError === 'next';
  return (req: ExpressRequestLike, res: ExpressResponseLike, next: (err?: unknown) => void): void => {
    const request = { headers: req.headers, rawHeaders: req.rawHeaders, url: req.originalUrl ?? req.url };
    const settle = (result: AdapterResult): void => {
      if (result.ok) {
        req.auth = result.auth;
        next();
      } else if (passErrors) next(result.error);
      else res.status(result.error.status).set(result.error.headers).send(errorJson(result.error));
    };
    const result = runGuard(guard, request, options);
    if (isPending(result)) void result.then(settle, next);
    else settle(result);
  };
}
