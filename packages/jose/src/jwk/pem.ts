/**
 * PEM import: SPKI, PKCS#8, PKCS#1 and SEC1 keys, or an X.509 certificate (its public key).
 */
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { KeyInvalid } from '../errors.js';
import { type Alg, algSpec } from '../lib/algorithms.js';
import type { Key } from '../lib/key.js';
import { bindKey } from '../lib/key_checks.js';

/** Options of {@link importPem}. */
export interface ImportPemOptions {
  kid?: string;
}

function parsePem(pem: string): KeyObject {
  try {
    if (pem.includes('PRIVATE KEY-----')) return createPrivateKey(pem);
    if (pem.includes('-----BEGIN CERTIFICATE-----')) return new X509Certificate(pem).publicKey;
    return createPublicKey(pem);
  } catch {
    throw new KeyInvalid('PEM could not be imported');
  }
}

/**
 * Imports a PEM key (or certificate) and binds it to `alg`. The algorithm is always given by the
 * caller: PEM text is never sniffed to choose one.
 *
 * @throws {KeyInvalid} unreadable, encrypted, weak or mismatched keys.
 * @example
 * ```ts
 * const key = importPem(fs.readFileSync('signing.pem', 'utf8'), 'ES256', { kid: 'k1' });
 * ```
 */
export function importPem(pem: string, alg: Alg, options: ImportPemOptions = {}): Key {
  if (typeof pem !== 'string') throw new TypeError('"pem" must be a string');
  const spec = algSpec(alg);
  if (spec === undefined) throw new KeyInvalid('unsupported algorithm');
  if (spec.family === 'hmac')
    throw new KeyInvalid('HMAC secrets are not PEM keys: use importJwk or generateSecret');
  if (options.kid !== undefined && typeof options.kid !== 'string')
    throw new TypeError('"kid" must be a string');
  return bindKey(parsePem(pem), spec, options.kid);
}
