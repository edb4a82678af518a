/**
 * Strict base64url (RFC 7515 §2, RFC 4648 §5): the URL-safe alphabet only, no padding, no whitespace,
 * and canonical trailing bits. Node's decoder is lenient (it skips foreign characters and ignores
 * trailing bits), so every input is checked here first: a lenient decoder lets many different strings
 * decode to the same bytes, which breaks "one token, one signature" assumptions (caches, replay lists).
 */

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** Value of a base64url character, or -1. */
function sextet(c: number): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c === 45) return 62;
  if (c === 95) return 63;
  return -1;
}

/**
 * Checks the length and trailing bits of a segment whose alphabet is already known to be valid.
 * A length of 1 mod 4 cannot encode whole bytes; with 2 or 3 mod 4 the unused low bits of the last
 * character must be zero (RFC 4648 §3.5 canonical encoding).
 */
export function canonicalTail(s: string, start: number, end: number): boolean {
  const rem = (end - start) & 3;
  if (rem === 0) return true;
  if (rem === 1) return false;
  const v = sextet(s.charCodeAt(end - 1));
  return rem === 2 ? (v & 0x0f) === 0 : (v & 0x03) === 0;
}

/** True when `s` is canonical unpadded base64url. */
export function isBase64url(s: string): boolean {
  return ALPHABET.test(s) && canonicalTail(s, 0, s.length);
}

/** Decodes strict base64url, or returns undefined when `s` is not canonical base64url. */
export function decodeBase64url(s: string): Buffer | undefined {
  if (!isBase64url(s)) return undefined;
  return Buffer.from(s, 'base64url');
}

/** Encodes bytes or a UTF-8 string as unpadded base64url. */
export function encodeBase64url(input: Uint8Array | string): string {
  if (typeof input === 'string') return Buffer.from(input, 'utf8').toString('base64url');
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('base64url');
}

/**
 * Strictly decodes `s.slice(start, end)` for the hot path, without a separate alphabet pass.
 *
 * Node's base64url decoder accepts `+` and `/` and skips every other foreign ASCII or Latin-1
 * character, but reads a UTF-16 unit above U+00FF through its low byte (`ń`, U+0144, as `D`): the
 * caller passes an ASCII string (tokens are checked whole by `splitCompact`). Then, with no `+` or
 * `/` in the segment, the decoded length equals ⌊3·len/4⌋ exactly when every character was in the
 * alphabet — any skipped character shortens the output. Together with the canonical-tail check this
 * is equivalent to {@link isBase64url}.
 */
export function decodeStrictRange(s: string, start: number, end: number): Buffer | undefined {
  if (!canonicalTail(s, start, end)) return undefined;
  const segment = s.slice(start, end);
  if (segment.includes('+') || segment.includes('/')) return undefined;
  const bytes = Buffer.from(segment, 'base64url');
  return bytes.length === ((end - start) * 3) >>> 2 ? bytes : undefined;
}

/** True when `s` contains `+` or `/`, the two characters Node's base64url decoder accepts beyond the alphabet. */
export function hasStandardBase64Chars(s: string): boolean {
  return s.includes('+') || s.includes('/');
}

/**
 * {@link decodeStrictRange} for a string already known to hold no `+` or `/` (see
 * {@link hasStandardBase64Chars}): a token is checked once, whole, instead of segment by segment.
 */
export function decodeStrictRangeNoStd(s: string, start: number, end: number): Buffer | undefined {
  if (!canonicalTail(s, start, end)) return undefined;
  const bytes = Buffer.from(s.slice(start, end), 'base64url');
  return bytes.length === ((end - start) * 3) >>> 2 ? bytes : undefined;
}
