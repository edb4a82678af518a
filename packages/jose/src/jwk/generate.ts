/**
 * Key generation.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import { defaults } from '../defaults.js';
import { type Alg, algSpec } from '../lib/algorithms.js';
import type { Key } from '../lib/key.js';
import { bindKey } from '../lib/key_checks.js';
import type { Jwk } from './import.js';
import { thumbprintInput } from './thumbprint.js';

/** Options of {@link generateKeyPair}. */
export interface GenerateKeyPairOptions {
  /** Key id; defaults to the RFC 7638 SHA-256 thumbprint of the public key. */
  kid?: string;
  /** RSA modulus size in bits, default 2048 (minimum 2048). */
  modulusLength?: number;
}

/**
 * Generates a key pair bound to `alg` (RS*, PS*, ES*, EdDSA).
 *
 * @example
 * ```ts
 * const { privateKey, publicKey } = generateKeyPair('ES256');
 * ```
 */
export function generateKeyPair(
  alg: Alg,
  options: GenerateKeyPairOptions = {},
): { privateKey: Key; publicKey: Key } {
  const spec = algSpec(alg);
  if (spec === undefined) throw new TypeError('"alg" must be a supported algorithm');
  if (spec.family === 'hmac') throw new TypeError('"alg" is an HMAC algorithm: use generateSecret');
  const { modulusLength = defaults.rsaModulusLength } = options;
  if (!Number.isSafeInteger(modulusLength) || modulusLength < defaults.minRsaBits) {
    throw new TypeError(`"modulusLength" must be an integer of at least ${defaults.minRsaBits}`);
  }
  if (options.kid !== undefined && typeof options.kid !== 'string')
    throw new TypeError('"kid" must be a string');
  // The generation encodes the keys and they are imported afresh: a KeyObject straight from
  // generateKeyPairSync shares a lock with its generation job until the job is garbage-collected, and
  // Node 20 deadlocks when a JWK export of it (which holds the lock and allocates) triggers the
  // collection that destroys the job (whose destructor takes the lock).
  const publicKeyEncoding = { type: 'spki', format: 'der' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'der' } as const;
  const encoded: { publicKey: Buffer; privateKey: Buffer } =
    spec.family === 'ec'
      ? generateKeyPairSync('ec', {
          namedCurve: spec.namedCurve as string,
          publicKeyEncoding,
          privateKeyEncoding,
        })
      : spec.family === 'ed'
        ? generateKeyPairSync('ed25519', { publicKeyEncoding, privateKeyEncoding })
        : generateKeyPairSync('rsa', {
            modulusLength,
            publicExponent: 0x10001,
            publicKeyEncoding,
            privateKeyEncoding,
          });
  const privateKey = createPrivateKey({ key: encoded.privateKey, format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey({ key: encoded.publicKey, format: 'der', type: 'spki' });
  const kid =
    options.kid ??
    createHash('sha256')
      .update(thumbprintInput(publicKey.export({ format: 'jwk' }) as Jwk))
      .digest('base64url');
  return { privateKey: bindKey(privateKey, spec, kid), publicKey: bindKey(publicKey, spec, kid) };
}

/**
 * Generates a random HMAC secret as long as the hash output (RFC 7518 §3.2).
 *
 * @example
 * ```ts
 * const secret = generateSecret('HS256', { kid: 'hmac-1' });
 * ```
 */
export function generateSecret(alg: 'HS256' | 'HS384' | 'HS512', options: { kid?: string } = {}): Key {
  const spec = algSpec(alg);
  if (spec === undefined || spec.family !== 'hmac')
    throw new TypeError('"alg" must be HS256, HS384 or HS512');
  if (options.kid !== undefined && typeof options.kid !== 'string')
    throw new TypeError('"kid" must be a string');
  return bindKey(createSecretKey(randomBytes(spec.hashLength)), spec, options.kid);
}
