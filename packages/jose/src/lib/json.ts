/**
 * Strict JSON for JOSE headers and JWT payloads.
 *
 * `JSON.parse` silently keeps the last of duplicate member names, so two parsers (ours and a
 * downstream one) could read different claims from the same signed bytes; RFC 7515 §5.2 and
 * RFC 7519 §4 let us reject such input, and we do. Nesting depth is capped so a small token
 * cannot make later recursive code (claim checks, freezing) walk thousands of levels.
 *
 * Strategy (fast path): one linear scan counts member separators (`:` outside strings) and tracks
 * depth; `JSON.parse` validates syntax; then the number of members actually present in the parsed
 * tree is counted. Each object in the text maps to at most one object in the tree and a duplicate
 * drops at least one member, so the counts are equal exactly when there are no duplicates.
 *
 * `__proto__` members are refused: `JSON.parse` makes them own properties (harmless by itself),
 * but a later `Object.assign` or spread by a consumer would turn them into a prototype change.
 */

import { defaults } from '../defaults.js';

/** Default maximum nesting depth of objects and arrays. */
export const MAX_JSON_DEPTH = defaults.maxJsonDepth;

/** Why strict parsing refused the input. */
export type JsonFailure = 'syntax' | 'depth' | 'duplicate' | 'proto';

/** Result of {@link parseStrictJson}: the value, or the failure reason. */
export type JsonResult = { ok: true; value: unknown } | { ok: false; reason: JsonFailure };

/** Set by {@link scan}: whether the text nests an object or array inside the top-level value. */
let nested = false;

/**
 * Counts member separators (`:` outside strings) and checks depth, over the UTF-8 bytes of the text:
 * indexing bytes costs V8 about half of `charCodeAt` on a string, and UTF-8 is ASCII-transparent (no
 * byte of a multi-byte sequence equals a structural character), so the counts are the text's.
 */
function scan(bytes: Uint8Array, n: number, maxDepth: number): number {
  let depth = 0;
  let members = 0;
  nested = false;
  for (let i = 0; i < n; i++) {
    const c = bytes[i] as number;
    if (c === 34 /* " */) {
      // Walk the string inline: JWT strings are short, and a builtin call per string costs more
      // than the loop. A backslash skips the escaped character.
      i++;
      while (i < n) {
        const d = bytes[i] as number;
        if (d === 34) break;
        i += d === 92 /* \ */ ? 2 : 1;
      }
    } else if (c === 58 /* : */) {
      members++;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > maxDepth) return -1;
      if (depth > 1) nested = true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    }
  }
  return members;
}

/** Counts members of the parsed tree; returns -1 when a `__proto__` member is found. */
function countMembers(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let total = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const c = countMembers(value[i]);
      if (c < 0) return -1;
      total += c;
    }
    return total;
  }
  for (const k in value) {
    if (k === '__proto__') return -1;
    const c = countMembers((value as Record<string, unknown>)[k]);
    if (c < 0) return -1;
    total += c + 1;
  }
  return total;
}

/** {@link countMembers} of a value with nothing nested (a JWT payload, most often). */
function countFlat(value: unknown): number {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 0;
  let total = 0;
  for (const k in value) {
    if (k === '__proto__') return -1;
    total++;
  }
  return total;
}

/**
 * Parses JSON text strictly: valid JSON, depth ≤ `maxDepth`, no duplicate member names, no
 * `__proto__` member. `utf8`, when the caller has it, holds the UTF-8 encoding of `text` in its
 * first `utf8Length` bytes (the decoded segment the text came from); it spares an encoding. Never
 * throws.
 */
export function parseStrictJson(
  text: string,
  maxDepth: number = MAX_JSON_DEPTH,
  utf8: Uint8Array = Buffer.from(text, 'utf8'),
  utf8Length: number = utf8.length,
): JsonResult {
  const expected = scan(utf8, utf8Length, maxDepth);
  if (expected < 0) return { ok: false, reason: 'depth' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'syntax' };
  }
  if (expected === 0) return { ok: true, value };
  const actual = nested ? countMembers(value) : countFlat(value);
  if (actual < 0) return { ok: false, reason: 'proto' };
  if (actual !== expected) return { ok: false, reason: 'duplicate' };
  return { ok: true, value };
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Freezes a JSON value and everything inside it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const k of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[k]);
  }
  return value;
}
