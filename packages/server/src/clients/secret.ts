import { createHash, timingSafeEqual } from 'node:crypto';
import { randomIdentifier } from '../random.js';

/**
 * A new client secret: 256 random bits, base64url (43 characters), never starting with `-`. Shown
 * once, stored as SHA-256.
 *
 * @example
 * const secret = generateClientSecret();
 * await store.updateClient(id, { secretHash: hashSecret(secret) });
 */
export function generateClientSecret(): string {
  return randomIdentifier(32);
}

/** A new `client_id`: 72 random bits, base64url (12 characters; short to keep tokens small), never starting with `-`. */
export function generateClientId(): string {
  return randomIdentifier(9);
}

/**
 * SHA-256 (hex) of a secret. A slow hash adds nothing for 256-bit random secrets and would cap the
 * token endpoint (DESIGN.md, "Secrets").
 *
 * @example
 * hashSecret('s3cret'); // '…64 hex chars…'
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The digest bytes of a stored hex hash, or `undefined` when it is not a SHA-256 hex string. */
export function hashBytes(hex: string | null): Buffer | undefined {
  if (hex === null || !/^[0-9a-f]{64}$/.test(hex)) return undefined;
  return Buffer.from(hex, 'hex');
}

/**
 * Compares a presented secret with a stored digest in constant time (the digest is compared, so the
 * comparison time reveals nothing about the stored value: stops timing attacks on the secret).
 */
export function secretMatches(presented: string, digest: Buffer | undefined): boolean {
  if (digest === undefined) return false;
  const got = createHash('sha256').update(presented, 'utf8').digest();
  return timingSafeEqual(got, digest);
}
