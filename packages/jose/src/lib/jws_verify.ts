/**
 * The compact JWS verification engine shared by `verifyCompact`, `createVerifier` and `verifyJwt`.
 *
 * Order of checks (each stops a class of attack before more work is done):
 * 1. size cap, before anything else touches the input (memory/CPU exhaustion);
 * 2. exactly three segments: the dots are counted before anything is split or decoded;
 * 3. header: strict base64url, strict JSON object, `alg`/`kid`/`crit` rules (cached per exact
 *    segment string, so a cached header was fully checked once);
 * 4. algorithm and key: the algorithm comes from the key, the header `alg` must equal it;
 *    `jwk`/`jku`/`x5u`/`x5c` are never consulted;
 * 5. signature over the exact signing input. HMAC tags are compared as canonical base64url text;
 *    other signatures are decoded strictly. Only then is the payload decoded, strictly.
 * Strict base64url of payload and signature is enforced in every case (whitespace, padding, `+/`,
 * `?`, non-canonical tails all fail); a failed verification reports a malformed segment as
 * ERR_JWS_INVALID rather than ERR_JWS_SIGNATURE_INVALID.
 */
import { defaults } from '../defaults.js';
import { JoseAlgNotAllowed, JwsInvalid, JwsSignatureInvalid, KeyInvalid } from '../errors.js';
import { decodeStrictRangeNoStd, hasStandardBase64Chars, isBase64url } from './base64url.js';
import { checkCritUnderstood, decodeHeaderAt, type JwsHeader } from './header.js';
import { INTERNAL, type Key, type KeyImpl } from './key.js';

/** Default maximum token size in bytes. */
export const DEFAULT_MAX_TOKEN_SIZE = defaults.maxTokenSize;

/** Per-verifier settings, compiled once. */
export interface JwsConfig {
  readonly maxTokenSize: number;
  /** Allowed algorithms; undefined means "the key's algorithm". */
  readonly algorithms: ReadonlySet<string> | undefined;
  /** `crit` extensions the caller understands. */
  readonly crit: ReadonlySet<string> | undefined;
}

/** Where the segments of a checked token are. */
export interface Split {
  readonly dot1: number;
  readonly dot2: number;
  readonly header: JwsHeader;
}

/** Steps 1–3: size, shape, header. Throws JwsInvalid / JoseNotSupported / JoseAlgNotAllowed. */
export function splitAndDecodeHeader(token: unknown, config: JwsConfig): Split {
  const split = splitCompact(token, config.maxTokenSize);
  const header = split.header;
  if (header.alg === 'none') throw new JoseAlgNotAllowed('"none" is not an algorithm');
  if (config.algorithms !== undefined && !config.algorithms.has(header.alg)) {
    throw new JoseAlgNotAllowed('JWS "alg" is not allowed');
  }
  checkCritUnderstood(header, config.crit);
  return split;
}

/** Steps 1–3 without any policy: size, shape, structurally valid header. */
export function splitCompact(token: unknown, maxTokenSize: number): Split {
  if (typeof token !== 'string') throw new JwsInvalid('token must be a string');
  const length = token.length;
  if (length > maxTokenSize) throw new JwsInvalid('token exceeds maxTokenSize');
  // Node's base64 decoder reads each UTF-16 unit through its low byte ('ń', U+0144, decodes as 'D'),
  // so the decoded-length checks are strict only on an all-ASCII token: one UTF-8 byte per char.
  if (Buffer.byteLength(token, 'utf8') !== length) throw new JwsInvalid('token is not ASCII');
  const dot1 = token.indexOf('.');
  const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot1 <= 0 || dot2 < 0 || dot2 === length - 1 || token.indexOf('.', dot2 + 1) !== -1) {
    throw new JwsInvalid('token is not a compact JWS (three segments)');
  }
  return { dot1, dot2, header: decodeHeaderAt(token, dot1) };
}

/** Step 4 for a single key: the header `alg` must be the key's own. */
export function checkKeyFits(header: JwsHeader, key: Key): void {
  if (header.alg !== key.alg) throw new JoseAlgNotAllowed('JWS "alg" does not match the key');
  if ((key as KeyImpl)[INTERNAL].verify === undefined) throw new KeyInvalid('key may not verify ("key_ops")');
}

/** Step 5: checks the signature. Throws JwsSignatureInvalid, or JwsInvalid for a malformed segment. */
export function checkSignature(token: string, split: Split, keys: readonly Key[]): Key {
  // Node's decoder also takes `+` and `/`: one look at the whole token (the header is already
  // strict) lets the key's check and the payload decoding skip it per segment.
  if (hasStandardBase64Chars(token)) throw new JwsInvalid('JWS segments are not strict base64url');
  const dot2 = split.dot2;
  const signature = token.slice(dot2 + 1);
  const input = token.slice(0, dot2);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as KeyImpl;
    if (key[INTERNAL].verifySegment?.(input, signature)) return key;
  }
  // Failure path only: name the real problem when a segment is not strict base64url.
  if (!isBase64url(signature)) throw new JwsInvalid('JWS signature is not strict base64url');
  if (!isBase64url(token.slice(split.dot1 + 1, dot2)))
    throw new JwsInvalid('JWS payload is not strict base64url');
  throw new JwsSignatureInvalid('JWS signature verification failed');
}

/** The payload bytes of a verified token (through {@link checkSignature}), strictly decoded. Throws JwsInvalid. */
export function payloadBytes(token: string, split: Split): Buffer {
  const bytes = decodeStrictRangeNoStd(token, split.dot1 + 1, split.dot2);
  if (bytes === undefined) throw new JwsInvalid('JWS payload is not strict base64url');
  return bytes;
}
