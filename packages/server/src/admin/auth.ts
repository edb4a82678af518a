import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { OAuthError } from '../errors.js';

/**
 * Checks `Authorization: Bearer <admin token>`: the token's SHA-256 is looked up in the store
 * (only hashes are stored). Returns the credential id (the audit `actor`).
 */
export async function requireAdmin(ctx: ServerContext, request: FastifyRequest): Promise<string> {
  const header = request.headers.authorization;
  const unauthorized = (detail: string) =>
    new OAuthError(401, 'invalid_token', 'a valid admin token is required', {
      detail,
      headers: { 'www-authenticate': 'Bearer realm="signet-admin"' },
    });
  if (header === undefined || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') {
    throw unauthorized('no bearer token');
  }
  const token = header.slice(7).trim();
  if (token.length === 0 || token.length > 512) throw unauthorized('malformed bearer token');
  const hash = createHash('sha256').update(token, 'utf8').digest('hex');
  const credential = await ctx.store.findAdminCredential(hash);
  if (credential === undefined) throw unauthorized('unknown admin token');
  return `admin:${credential.id}`;
}
