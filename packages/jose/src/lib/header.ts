/**
 * The JWS protected header (RFC 7515 §4): strict decoding, and the `crit` and `b64` rules.
 */
import { JoseNotSupported, JwsInvalid } from '../errors.js';
import { decodeStrictRange } from './base64url.js';
import { decodeJsonObject } from './decode.js';

/** A decoded JWS protected header. Frozen. */
export interface JwsHeader {
  readonly alg: string;
  readonly kid?: string;
  readonly typ?: string;
  readonly cty?: string;
  readonly crit?: readonly string[];
  readonly [parameter: string]: unknown;
}

/**
 * Header parameter names registered by RFC 7515/7516/7518/7797 and friends. RFC 7515 §4.1.11:
 * producers MUST NOT list them in `crit`, so their presence there marks a malformed header.
 */
const REGISTERED = new Set([
  'alg',
  'jku',
  'jwk',
  'kid',
  'x5u',
  'x5c',
  'x5t',
  'x5t#S256',
  'typ',
  'cty',
  'crit',
  'enc',
  'zip',
  'epk',
  'apu',
  'apv',
  'iv',
  'tag',
  'p2s',
  'p2c',
]);

const MAX_CACHED = 512;
/** Decoded headers by their segment: the same few headers repeat across every token of an issuer. */
const cache = new Map<string, JwsHeader>();

/** The header segment decoded last, and its header: most tokens repeat the previous token's header. */
let lastSegment = '';
let lastHeader: JwsHeader | undefined;

/**
 * The header of `token`, whose first `.` is at `dot1`. The previous token's header is recognised by
 * comparing the token's start with it (no slice, no string hashing), then the cache is consulted.
 */
export function decodeHeaderAt(token: string, dot1: number): JwsHeader {
  if (lastHeader !== undefined && dot1 === lastSegment.length && token.startsWith(lastSegment))
    return lastHeader;
  const header = decodeHeader(token.slice(0, dot1));
  lastSegment = ownCopy(token, dot1);
  lastHeader = header;
  return header;
}

/**
 * An independent copy of `token.slice(0, end)`: a slice of a long string keeps the whole string alive,
 * and the header cache must not hold tokens. The segment is ASCII (checked), so latin1 is exact.
 */
function ownCopy(token: string, end: number): string {
  return Buffer.from(token.slice(0, end), 'latin1').toString('latin1');
}

/** Decodes and structurally checks a header segment (alphabet already checked). Throws JwsInvalid. */
export function decodeHeader(segment: string): JwsHeader {
  const hit = cache.get(segment);
  if (hit !== undefined) return hit;
  const bytes = decodeStrictRange(segment, 0, segment.length);
  if (bytes === undefined) throw new JwsInvalid('JWS header is not strict base64url');
  const header = decodeJsonObject(bytes, JwsInvalid, 'JWS header', true) as Record<string, unknown>;
  if (typeof header.alg !== 'string') throw new JwsInvalid('JWS header "alg" must be a string');
  if (header.kid !== undefined && typeof header.kid !== 'string')
    throw new JwsInvalid('JWS header "kid" must be a string');
  if (header.typ !== undefined && typeof header.typ !== 'string')
    throw new JwsInvalid('JWS header "typ" must be a string');
  if (header.cty !== undefined && typeof header.cty !== 'string')
    throw new JwsInvalid('JWS header "cty" must be a string');
  checkCritShape(header);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(ownCopy(segment, segment.length), header as JwsHeader);
  return header as JwsHeader;
}

/** RFC 7515 §4.1.11 structure of `crit`, and RFC 7797 §6 for `b64`. */
function checkCritShape(header: Record<string, unknown>): void {
  const crit = header.crit;
  if (crit !== undefined) {
    if (!Array.isArray(crit) || crit.length === 0)
      throw new JwsInvalid('JWS "crit" must be a non-empty array');
    const seen = new Set<string>();
    for (const name of crit) {
      if (typeof name !== 'string' || name.length === 0)
        throw new JwsInvalid('JWS "crit" entries must be strings');
      if (seen.has(name)) throw new JwsInvalid('JWS "crit" lists a name twice');
      if (REGISTERED.has(name)) throw new JwsInvalid('JWS "crit" lists a registered header parameter');
      if (!Object.hasOwn(header, name))
        throw new JwsInvalid('JWS "crit" lists a parameter absent from the header');
      seen.add(name);
    }
  }
  if (Object.hasOwn(header, 'b64')) {
    // RFC 7797 §6: b64 MUST be listed in crit; without it, a verifier that ignores b64 and one that
    // honours it would read different payloads from the same token.
    if (!Array.isArray(crit) || !crit.includes('b64'))
      throw new JwsInvalid('JWS "b64" must be listed in "crit"');
    // Unencoded payloads (RFC 7797) are refused: they are not part of compact JWTs, and refusing
    // them keeps one signing input per token.
    throw new JoseNotSupported('JWS "b64" (RFC 7797 unencoded payload) is not supported');
  }
}

/** Throws JoseNotSupported when `crit` names an extension the caller does not understand. */
export function checkCritUnderstood(header: JwsHeader, understood: ReadonlySet<string> | undefined): void {
  const crit = header.crit;
  if (crit === undefined) return;
  for (const name of crit) {
    if (understood === undefined || !understood.has(name)) {
      throw new JoseNotSupported('JWS "crit" lists an extension that is not understood');
    }
  }
}
