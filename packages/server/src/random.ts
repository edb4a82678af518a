/**
 * Random identifiers that people type and paste: secrets, client ids, key ids, admin tokens.
 */
import { randomBytes } from 'node:crypto';

/**
 * `bytes` random bytes as base64url that does not start with `-`: a leading dash reads as a flag on a
 * command line (`--client-secret -7_MB…` is "unknown option" to any CLI parser), and 1 value in 64
 * would start with one. Redrawing costs log2(64/63) ≈ 0.02 bits of the first character.
 *
 * @example
 * randomIdentifier(32); // 43 characters, never '-…'
 */
export function randomIdentifier(bytes: number): string {
  for (;;) {
    const value = randomBytes(bytes).toString('base64url');
    if (value.charCodeAt(0) !== 45) return value;
  }
}
