/**
 * Tokens an attacker would try. They are built here by hand, on purpose, with `node:crypto`:
 * `@signet/jose` refuses to produce any of them.
 */
import { createHmac, createPublicKey, type JsonWebKey } from 'node:crypto';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The token with its claims changed (scope widened) and the original signature kept. */
export function tamper(token: string): string {
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
  claims.scope = `${String(claims.scope ?? '')} orders:admin`.trim();
  return `${h}.${b64(claims)}.${s}`;
}

/**
 * The RS256→HS256 trick: the same claims, `alg: HS256`, HMAC-signed with the Auth service's
 * *public* key (as PEM, the way vulnerable libraries load it). A verifier that takes the algorithm
 * from the token and the key material from its key store accepts this.
 */
export function algorithmConfusion(token: string, publicJwk: JsonWebKey): string {
  const [h, p] = token.split('.');
  const header = JSON.parse(Buffer.from(h ?? '', 'base64url').toString()) as Record<string, unknown>;
  const pem = createPublicKey({ key: publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const input = `${b64({ ...header, alg: 'HS256' })}.${p}`;
  return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
}
