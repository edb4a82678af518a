/**
 * Decoding of base64url JSON segments (header, payload) into strict JSON objects.
 */
import { defaults } from '../defaults.js';
import type { JoseError } from '../errors.js';
import { canonicalTail } from './base64url.js';
import { deepFreeze, isJsonObject, MAX_JSON_DEPTH, parseStrictJson } from './json.js';

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
  return strictObject(text, bytes, bytes.length, Err, what, freeze);
}

/**
 * Where {@link decodeSegmentJson} decodes: the payload of a token up to the default size cap. Used
 * synchronously and only inside one call, never handed out: decoding into it spares a Buffer per
 * token. Larger segments (a raised `maxTokenSize`) get their own Buffer.
 */
const scratch = Buffer.allocUnsafeSlow(Math.ceil((defaults.maxTokenSize * 3) / 4));

/**
 * Strictly decodes the base64url segment `token[start, end)` and parses it as a strict JSON object,
 * throwing `Err` on a JSON problem. Returns `undefined` when the segment is not strict base64url. The
 * caller has refused `+` and `/` in the token (Node's decoder would take them); any other foreign
 * character shortens the decoded length, which is checked.
 */
export function decodeSegmentJson(
  token: string,
  start: number,
  end: number,
  Err: ErrorClass,
  what: string,
): Record<string, unknown> | undefined {
  if (!canonicalTail(token, start, end)) return undefined;
  const expected = ((end - start) * 3) >>> 2;
  if (expected > scratch.length) {
    const bytes = Buffer.from(token.slice(start, end), 'base64url');
    return bytes.length === expected ? decodeJsonObject(bytes, Err, what) : undefined;
  }
  const length = scratch.write(token.slice(start, end), 0, 'base64url');
  if (length !== expected) return undefined;
  let text = scratch.toString('utf8', 0, length);
  if (text.includes('\uFFFD')) {
    const checked = utf8Text(scratch.subarray(0, length));
    if (checked === undefined) throw new Err(`${what} is not valid UTF-8`);
    text = checked;
  }
  return strictObject(text, scratch, length, Err, what, false);
}

function strictObject(
  text: string,
  utf8: Uint8Array,
  utf8Length: number,
  Err: ErrorClass,
  what: string,
  freeze: boolean,
): Record<string, unknown> {
  const parsed = parseStrictJson(text, MAX_JSON_DEPTH, utf8, utf8Length);
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
