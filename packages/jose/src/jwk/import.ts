/**
 * JWK import (RFC 7517): a JWK becomes a {@link Key} bound to exactly one algorithm.
 */
import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { JoseNotSupported, KeyInvalid } from '../errors.js';
import { type Alg, type AlgSpec, algSpec, CURVE_COORD_LENGTH } from '../lib/algorithms.js';
import { decodeBase64url, isBase64url } from '../lib/base64url.js';
import type { Key } from '../lib/key.js';
import { bindKey, type KeyUsage } from '../lib/key_checks.js';

/** A JSON Web Key (RFC 7517 §4). */
export interface Jwk {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  n?: string;
  e?: string;
  k?: string;
  [member: string]: unknown;
}

/** A JWK Set (RFC 7517 §5). */
export interface Jwks {
  keys: Jwk[];
}

/** Options of {@link importJwk}. */
export interface ImportJwkOptions {
  /** The algorithm to bind; must equal the JWK's `alg` when both are present. */
  alg?: Alg;
  /** Key id; overrides the JWK's `kid`. */
  kid?: string;
}

const KTY_OF: Record<AlgSpec['family'], string> = {
  hmac: 'oct',
  rsa: 'RSA',
  pss: 'RSA',
  ec: 'EC',
  ed: 'OKP',
};
const BINARY_MEMBERS = ['k', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'x', 'y'] as const;
const INFERRED: Record<string, Alg> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
  Ed25519: 'EdDSA',
};

/** Resolves the one algorithm the key is bound to. */
function resolveAlg(jwk: Jwk, option: Alg | undefined): AlgSpec {
  const fromJwk = jwk.alg;
  if (fromJwk !== undefined && typeof fromJwk !== 'string')
    throw new KeyInvalid('JWK "alg" must be a string');
  if (option !== undefined && fromJwk !== undefined && option !== fromJwk) {
    throw new KeyInvalid('JWK "alg" differs from the requested algorithm');
  }
  const name =
    option ?? fromJwk ?? (jwk.kty === 'EC' || jwk.kty === 'OKP' ? INFERRED[String(jwk.crv)] : undefined);
  if (name === undefined) throw new KeyInvalid('JWK has no "alg" and none was given');
  const spec = algSpec(name);
  if (spec === undefined) throw new KeyInvalid('unsupported algorithm');
  return spec;
}

/** Reads `use`/`key_ops` (RFC 7517 §4.2–4.3) into the operations this key may perform. */
export function jwkUsage(jwk: Jwk, isPrivateOrSecret: boolean, isSecret: boolean): KeyUsage {
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new KeyInvalid('JWK "use" is not "sig"');
  const ops = jwk.key_ops;
  if (ops === undefined) return { sign: true, verify: true };
  if (!Array.isArray(ops) || ops.some((o) => typeof o !== 'string')) {
    throw new KeyInvalid('JWK "key_ops" must be an array of strings');
  }
  const usage = { sign: ops.includes('sign'), verify: ops.includes('verify') };
  if (isSecret ? !usage.sign && !usage.verify : isPrivateOrSecret ? !usage.sign : !usage.verify) {
    throw new KeyInvalid('JWK "key_ops" forbids signatures');
  }
  return usage;
}

function toKeyObject(jwk: Jwk, spec: AlgSpec): KeyObject {
  if (spec.family === 'hmac') {
    const k = decodeBase64url(jwk.k as string);
    if (k === undefined || k.length === 0) throw new KeyInvalid('JWK "k" is missing or empty');
    return createSecretKey(k);
  }
  if (spec.family === 'ec' || spec.family === 'ed') {
    const len = CURVE_COORD_LENGTH[spec.crv as string] as number;
    for (const m of spec.family === 'ec' ? (['x', 'y'] as const) : (['x'] as const)) {
      const v = jwk[m];
      if (typeof v !== 'string' || Buffer.byteLength(v, 'base64url') !== len) {
        throw new KeyInvalid(`JWK "${m}" must be ${len} bytes`);
      }
    }
    if (jwk.d !== undefined && Buffer.byteLength(jwk.d, 'base64url') !== len) {
      throw new KeyInvalid(`JWK "d" must be ${len} bytes`);
    }
  }
  // Hand node only the members it needs: no surprises from extra members.
  const clean: Record<string, unknown> = { kty: jwk.kty };
  for (const m of ['crv', ...BINARY_MEMBERS]) if (jwk[m] !== undefined) clean[m] = jwk[m];
  try {
    // biome-ignore lint/suspicious/noExplicitAny: node's JsonWebKey input type
    const input = { key: clean as any, format: 'jwk' as const };
    return jwk.d !== undefined ? createPrivateKey(input) : createPublicKey(input);
  } catch {
    // node's message is dropped on purpose: it is generic, and nothing about the key may leak.
    throw new KeyInvalid('JWK could not be imported (invalid key material or point not on the curve)');
  }
}

/**
 * Imports a JWK and binds it to one algorithm, checking everything about the key once.
 *
 * @throws {KeyInvalid} weak, malformed or mismatched keys, unknown `alg`, forbidden `use`/`key_ops`.
 * @example
 * ```ts
 * const key = importJwk({ kty: 'EC', crv: 'P-256', x: '…', y: '…', kid: 'k1' });
 * key.alg; // 'ES256'
 * ```
 */
export function importJwk(jwk: Jwk, options: ImportJwkOptions = {}): Key {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    throw new TypeError('"jwk" must be an object');
  if (typeof options !== 'object' || options === null) throw new TypeError('"options" must be an object');
  if (typeof jwk.kty !== 'string') throw new KeyInvalid('JWK "kty" must be a string');
  const spec = resolveAlg(jwk, options.alg);
  if (jwk.kty !== KTY_OF[spec.family]) {
    if (!['oct', 'RSA', 'EC', 'OKP'].includes(jwk.kty)) throw new JoseNotSupported('unsupported JWK "kty"');
    throw new KeyInvalid(`JWK "kty" does not fit ${spec.alg}`);
  }
  if (spec.crv !== undefined && jwk.crv !== spec.crv)
    throw new KeyInvalid(`${spec.alg} requires "crv" ${spec.crv}`);
  for (const m of BINARY_MEMBERS) {
    const v = jwk[m];
    if (v !== undefined && (typeof v !== 'string' || !isBase64url(v))) {
      throw new KeyInvalid(`JWK "${m}" is not strict base64url`);
    }
  }
  // Multi-prime RSA (RFC 7518 §6.3.2.7) is not supported: refuse rather than drop the extra primes.
  if (jwk.oth !== undefined) throw new JoseNotSupported('multi-prime RSA keys ("oth") are not supported');
  const kid = options.kid ?? jwk.kid;
  if (kid !== undefined && typeof kid !== 'string') throw new KeyInvalid('JWK "kid" must be a string');
  const isSecret = spec.family === 'hmac';
  const usage = jwkUsage(jwk, isSecret || jwk.d !== undefined, isSecret);
  return bindKey(toKeyObject(jwk, spec), spec, kid, usage);
}
