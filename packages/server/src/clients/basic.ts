import { invalidRequest } from '../errors.js';

function formDecode(s: string): string {
  if (s.indexOf('%') === -1 && s.indexOf('+') === -1) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw invalidRequest('malformed Basic credentials');
  }
}

/**
 * Parses `Authorization: Basic …` for `client_secret_basic`. RFC 6749 §2.3.1: the client_id and the
 * secret are each form-urlencoded *before* the Basic encoding, so both are decoded here (a secret
 * containing `:` or `%` arrives escaped). Malformed credentials are `invalid_request`.
 *
 * @example
 * parseBasic('Basic ' + btoa('s1:secret')); // { clientId: 's1', secret: 'secret' }
 */
export function parseBasic(header: string): { clientId: string; secret: string } {
  const b64 = header.slice(6).trim();
  if (b64.length === 0 || b64.length > 4096 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    throw invalidRequest('malformed Basic credentials');
  }
  const text = Buffer.from(b64, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) throw invalidRequest('malformed Basic credentials');
  const clientId = formDecode(text.slice(0, colon));
  const secret = formDecode(text.slice(colon + 1));
  if (clientId.length === 0 || clientId.length > 256 || secret.length === 0 || secret.length > 1024) {
    throw invalidRequest('malformed Basic credentials');
  }
  return { clientId, secret };
}

/** True when the `Authorization` header uses the Basic scheme (scheme names are case-insensitive). */
export function isBasic(header: string): boolean {
  return header.length > 6 && header.slice(0, 6).toLowerCase() === 'basic ';
}
