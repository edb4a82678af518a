import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GuardError } from '../errors.js';
import type { Guard } from '../guard.js';
import type { Auth } from '../types.js';
import { type AdapterOptions, errorJson, runGuard } from './common.js';

/**
 * Writes a `GuardError` as an RFC 6750 response (status, `WWW-Authenticate`, JSON body).
 *
 * @example
 * sendGuardError(res, guard.toGuardError(err));
 */
export function sendGuardError(res: ServerResponse, error: GuardError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(error.status, error.headers).end(errorJson(error));
}

/**
 * Authenticates a Node request. Resolves the `Auth` (or `undefined` in optional mode without a token),
 * or `null` after it has already sent the error response.
 *
 * @example
 * http.createServer(async (req, res) => {
 *   const auth = await authenticateNode(guard, req, res, { scopes: ['orders:read'] });
 *   if (!auth) return; // null: 401/403/400 already sent
 *   res.end(`hello ${auth.subject}`);
 * });
 */
export async function authenticateNode(
  guard: Guard,
  req: IncomingMessage,
  res: ServerResponse,
  options?: AdapterOptions,
): Promise<Auth | undefined | null> {
  const result = await runGuard(guard, req, options);
  if (result.ok) return result.auth;
  sendGuardError(res, result.error);
  return null;
}

/** A Node request handler that receives the verified auth as a third argument. */
export type AuthedNodeHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  auth: Auth | undefined,
) => unknown;

/**
 * Wraps a Node `http` handler: it runs only for authenticated requests (or every request in optional mode).
 *
 * @example
 * http.createServer(nodeHandler(guard, (req, res, auth) => res.end(auth?.subject))).listen(3000);
 */
export function nodeHandler(
  guard: Guard,
  handler: AuthedNodeHandler,
  options?: AdapterOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void authenticateNode(guard, req, res, options).then(
      (auth) => (auth === null ? undefined : handler(req, res, auth)),
      (e: unknown) => sendGuardError(res, guard.toGuardError(e)),
    );
  };
}
