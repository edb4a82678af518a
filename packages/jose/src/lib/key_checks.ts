/**
 * Checks that a node KeyObject is fit for one algorithm, done once when a key is imported or
 * generated, then binds them into a {@link KeyImpl}. Each refusal below stops a known attack on
 * verifiers that accept whatever key they are given.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { defaults } from '../defaults.js';
import { KeyInvalid } from '../errors.js';
import type { AlgSpec } from './algorithms.js';
import { KeyImpl, makeSign, makeVerify, makeVerifyBytes } from './key.js';
import { hasRocaFingerprint } from './roca.js';

/** Smallest RSA modulus accepted (RFC 7518 §3.3 requires 2048 bits). */
export const MIN_RSA_BITS = defaults.minRsaBits;

/** Which operations a key may be used for (from JWK `key_ops`, or everything its type allows). */
export interface KeyUsage {
  readonly sign: boolean;
  readonly verify: boolean;
}

const ALL: KeyUsage = Object.freeze({ sign: true, verify: true });

/** Throws {@link KeyInvalid} unless `keyObject` may be used with `spec`. */
export function checkKeyObject(keyObject: KeyObject, spec: AlgSpec): void {
  if (spec.family === 'hmac') {
    if (keyObject.type !== 'secret') throw new KeyInvalid(`${spec.alg} requires a secret (oct) key`);
    // RFC 7518 §3.2: a key of the same size as the hash output or larger MUST be used. An empty key
    // would make every tag computable by anyone; a short one weakens HMAC below its nominal strength.
    const size = keyObject.symmetricKeySize ?? 0;
    if (size < spec.hashLength) {
      throw new KeyInvalid(`${spec.alg} key must be at least ${spec.hashLength} bytes`);
    }
    return;
  }
  if (keyObject.type === 'secret') throw new KeyInvalid(`${spec.alg} requires an asymmetric key`);
  const type = keyObject.asymmetricKeyType;
  const details = keyObject.asymmetricKeyDetails ?? {};
  switch (spec.family) {
    case 'rsa':
    case 'pss': {
      // An 'rsa-pss' restricted key may carry its own hash and salt constraints; refuse rather than
      // guess how they combine with the JWS parameters.
      if (type !== 'rsa') throw new KeyInvalid(`${spec.alg} requires an RSA key`);
      const bits = details.modulusLength ?? 0;
      if (bits < MIN_RSA_BITS) throw new KeyInvalid(`RSA keys must be at least ${MIN_RSA_BITS} bits`);
      const e = details.publicExponent ?? 0n;
      // e = 1 makes "signatures" equal to the padded message: anyone can forge. Even exponents are
      // not valid RSA.
      if (e < 3n || e % 2n === 0n) throw new KeyInvalid('RSA public exponent must be odd and at least 3');
      const n = keyObject.export({ format: 'jwk' }).n;
      if (typeof n !== 'string') throw new KeyInvalid('RSA modulus unavailable');
      // CVE-2017-15361: such moduli can be factored from the public key alone.
      if (hasRocaFingerprint(Buffer.from(n, 'base64url'))) {
        throw new KeyInvalid('RSA modulus has the ROCA fingerprint (CVE-2017-15361)');
      }
      return;
    }
    case 'ec':
      // Binding the curve stops curve substitution (e.g. secp256k1 presented as ES256).
      if (type !== 'ec' || details.namedCurve !== spec.namedCurve) {
        throw new KeyInvalid(`${spec.alg} requires an EC key on ${spec.crv}`);
      }
      return;
    case 'ed':
      if (type !== 'ed25519') throw new KeyInvalid('EdDSA requires an Ed25519 key');
      return;
  }
}

/** Checks `keyObject` against `spec` and binds them into an immutable key. */
export function bindKey(
  keyObject: KeyObject,
  spec: AlgSpec,
  kid: string | undefined,
  usage: KeyUsage = ALL,
): KeyImpl {
  checkKeyObject(keyObject, spec);
  const type = keyObject.type === 'secret' ? 'secret' : keyObject.type === 'private' ? 'private' : 'public';
  const verifyKeyObject = type === 'private' ? createPublicKey(keyObject) : keyObject;
  const verifySegment = usage.verify ? makeVerify(spec, verifyKeyObject, 'utf8') : undefined;
  return new KeyImpl(spec.alg, kid, type, {
    spec,
    keyObject,
    verifyKeyObject,
    sign: type !== 'public' && usage.sign ? makeSign(spec, keyObject) : undefined,
    verify: usage.verify ? makeVerifyBytes(spec, makeVerify(spec, verifyKeyObject, 'latin1')) : undefined,
    verifySegment,
  });
}
