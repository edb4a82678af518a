/**
 * Option validation, done once when a signer or verifier is built. Misuse is a programming error:
 * it throws `TypeError` naming the option, so it fails at start-up rather than per request.
 */
import { type Alg, isAlg } from './algorithms.js';

/** Throws TypeError for any own key of `options` not in `allowed` (catches typos like "audiance"). */
export function checkKnownOptions(options: object, allowed: readonly string[], what: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`"${what}" must be an object`);
  }
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) throw new TypeError(`unknown option "${k}" in ${what}`);
  }
}

/** A string, or a non-empty array of strings, as a frozen array; undefined passes through. */
export function stringList(value: unknown, name: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return Object.freeze([value]);
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) {
    return Object.freeze([...value]);
  }
  throw new TypeError(`"${name}" must be a string or a non-empty array of strings`);
}

/** An optional string. */
export function optionalString(value: unknown, name: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') throw new TypeError(`"${name}" must be a string`);
  return value;
}

/** An optional finite number ≥ min. */
export function optionalNumber(value: unknown, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new TypeError(`"${name}" must be a finite number ≥ ${min}`);
  }
  return value;
}

/** An optional positive safe integer. */
export function optionalPositiveInteger(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`"${name}" must be a positive integer`);
  }
  return value;
}

/** An optional function. */
export function optionalFunction<F>(value: unknown, name: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`"${name}" must be a function`);
  return value as F | undefined;
}

/** An optional non-empty list of supported algorithms, as a set. */
export function algorithmSet(value: unknown, name = 'algorithms'): ReadonlySet<Alg> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every(isAlg)) {
    throw new TypeError(`"${name}" must be a non-empty array of supported algorithms`);
  }
  return new Set(value as Alg[]);
}

/** `crit` option: names of extensions the caller understands. */
export function critSet(value: unknown): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('"crit" must be an object of extension names to booleans');
  }
  const names = Object.entries(value)
    .filter(([, v]) => v === true)
    .map(([k]) => k);
  if (names.includes('b64')) throw new TypeError('"crit": b64 (RFC 7797) is not supported');
  return new Set(names);
}
