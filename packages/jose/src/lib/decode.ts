/**
 * Decoding of base64url JSON segments (header, payload) into strict JSON objects.
 */
import type { JoseError } from '../errors.js';
import { deepFreeze, isJsonObject, parseStrictJson } from './json.js';

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 text of decoded bytes; undefined on invalid UTF-8. */
export function utf8Text(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  // Fast path: Buffer#toString replaces invalid sequences with U+FFFD; only then pay for the
  // fatal decoder to tell a real U+FFFD from invalid UTF-8.
  if (!text.includes('\uFFFD')) return text;
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

type ErrorClass = new (message: string) => JoseError;

/** Parses decoded segment bytes into a strict JSON object, throwing `Err` on any problem. */
export function decodeJsonObject(
  bytes: Buffer,
  Err: ErrorClass,
  what: string,
  freeze = false,
): Record<string, unknown> {
  const text = utf8Text(bytes);
  if (text === undefined) throw new Err(`${what} is not valid UTF-8`);
  const parsed = parseStrictJson(text);
  if (!parsed.ok) {
    const why =
      parsed.reason === 'duplicate'
        ? 'has duplicate member names'
        : parsed.reason === 'depth'
          ? 'is nested too deeply'
          : parsed.reason === 'proto'
            ? 'has a "__proto__" member'
            : 'is not valid JSON';
    throw new Err(`${what} ${why}`);
  }
  if (!isJsonObject(parsed.value)) throw new Err(`${what} is not a JSON object`);
  return freeze ? deepFreeze(parsed.value) : parsed.value;
}
