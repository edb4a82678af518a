/**
 * Keys and tokens shared by every contender of the jose benchmark: each algorithm gets one
 * node:crypto key pair, exported in the form each library wants (KeyObject, PEM, JWK).
 */
import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  createVerify,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign as cryptoSign,
  verify as cryptoVerify,
  type VerifyKeyObjectInput,
} from 'node:crypto';

export type BenchAlg = 'HS256' | 'RS256' | 'PS256' | 'ES256' | 'EdDSA';
export const BENCH_ALGS: readonly BenchAlg[] = ['HS256', 'RS256', 'PS256', 'ES256', 'EdDSA'];

export const ISSUER = 'https://auth.example.com';
export const AUDIENCE = 'https://api.example.com';
export const SUBJECT = 'service-s1';
/** Token lifetime; long enough that no token expires during a run. */
export const LIFETIME_S = 3600;

/** Everything one algorithm needs. */
export interface AlgFixture {
  readonly alg: BenchAlg;
  /** Signing key: secret or private. */
  readonly signKey: KeyObject;
  /** Verification key: secret or public. */
  readonly verifyKey: KeyObject;
  readonly signPem: string | Buffer;
  readonly verifyPem: string | Buffer;
  readonly signJwk: Record<string, unknown>;
  readonly verifyJwk: Record<string, unknown>;
  /** A token with iss, aud, sub, iat, exp, signed with this algorithm. */
  readonly token: string;
  /** `header.payload` of `token`, as bytes. */
  readonly signingInput: Buffer;
  /** `header.payload` of `token`, as the text it is inside the token. */
  readonly signingInputText: string;
  /** The signature segment of `token` (base64url). */
  readonly signatureSegment: string;
  /** Decoded signature of `token`. */
  readonly signature: Buffer;
  /** The raw primitive: signs bytes with `signKey`. */
  readonly primitiveSign: (data: Buffer) => Buffer;
  /** The raw primitive: verifies bytes and a signature with `verifyKey`. */
  readonly primitiveVerify: (data: Buffer, sig: Buffer) => boolean;
  /**
   * node:crypto's streaming form (`createVerify`) on the signing input text, where the algorithm
   * has one (RSA, RSA-PSS, ECDSA): the same OpenSSL check with less per-call work than one-shot.
   */
  readonly streamVerify: ((text: string, sig: Buffer) => boolean) | undefined;
}

const b64u = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** The claims every signer signs (with a fresh iat/exp per token). */
export function claims(nowS: number): Record<string, unknown> {
  return { iss: ISSUER, aud: AUDIENCE, sub: SUBJECT, iat: nowS, exp: nowS + LIFETIME_S };
}

function primitives(alg: BenchAlg, signKey: KeyObject, verifyKey: KeyObject) {
  switch (alg) {
    case 'HS256':
      return {
        primitiveSign: (data: Buffer) => createHmac('sha256', signKey).update(data).digest(),
        primitiveVerify: (data: Buffer, sig: Buffer) => {
          const mac = createHmac('sha256', verifyKey).update(data).digest();
          return mac.length === sig.length && mac.equals(sig);
        },
        streamVerify: undefined,
      };
    case 'RS256':
      return {
        primitiveSign: (data: Buffer) => cryptoSign('sha256', data, signKey),
        primitiveVerify: (data: Buffer, sig: Buffer) => verifyWith('sha256', data, verifyKey, sig),
        streamVerify: (text: string, sig: Buffer) => streamWith(text, verifyKey, sig),
      };
    case 'PS256': {
      const opts = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
      return {
        primitiveSign: (data: Buffer) => cryptoSign('sha256', data, { key: signKey, ...opts }),
        primitiveVerify: (data: Buffer, sig: Buffer) =>
          verifyWith('sha256', data, { key: verifyKey, ...opts }, sig),
        streamVerify: (text: string, sig: Buffer) => streamWith(text, { key: verifyKey, ...opts }, sig),
      };
    }
    case 'ES256':
      return {
        primitiveSign: (data: Buffer) =>
          cryptoSign('sha256', data, { key: signKey, dsaEncoding: 'ieee-p1363' }),
        primitiveVerify: (data: Buffer, sig: Buffer) =>
          verifyWith('sha256', data, { key: verifyKey, dsaEncoding: 'ieee-p1363' }, sig),
        streamVerify: (text: string, sig: Buffer) =>
          streamWith(text, { key: verifyKey, dsaEncoding: 'ieee-p1363' }, sig),
      };
    case 'EdDSA':
      return {
        primitiveSign: (data: Buffer) => cryptoSign(null, data, signKey),
        primitiveVerify: (data: Buffer, sig: Buffer) => verifyWith(null, data, verifyKey, sig),
        streamVerify: undefined,
      };
  }
}

function verifyWith(
  hash: string | null,
  data: Buffer,
  key: KeyObject | VerifyKeyObjectInput,
  sig: Buffer,
): boolean {
  return cryptoVerify(hash, data, key, sig);
}

function streamWith(text: string, key: KeyObject | VerifyKeyObjectInput, sig: Buffer): boolean {
  const verifier = createVerify('sha256');
  verifier.update(text, 'latin1');
  return verifier.verify(key, sig);
}

function keysFor(alg: BenchAlg): { signKey: KeyObject; verifyKey: KeyObject } {
  switch (alg) {
    case 'HS256': {
      const secret = createSecretKey(randomBytes(32));
      return { signKey: secret, verifyKey: secret };
    }
    case 'RS256':
    case 'PS256':
      return freshPair('rsa', { modulusLength: 2048 });
    case 'ES256':
      return freshPair('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return freshPair('ed25519', {});
  }
}

/**
 * A node:crypto key pair encoded by the generation and imported afresh: on Node 20, a JWK export of
 * a KeyObject straight from generateKeyPairSync can deadlock (see @signet/jose `generateKeyPair`).
 */
function freshPair(
  type: 'rsa' | 'ec' | 'ed25519',
  options: object,
): { signKey: KeyObject; verifyKey: KeyObject } {
  const der = (generateKeyPairSync as (t: string, o: object) => { publicKey: Buffer; privateKey: Buffer })(
    type,
    {
      ...options,
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs8', format: 'der' },
    },
  );
  return {
    signKey: createPrivateKey({ key: der.privateKey, format: 'der', type: 'pkcs8' }),
    verifyKey: createPublicKey({ key: der.publicKey, format: 'der', type: 'spki' }),
  };
}

/** Builds the keys and a reference token for one algorithm. */
export function fixture(alg: BenchAlg, nowS: number): AlgFixture {
  const { signKey, verifyKey } = keysFor(alg);
  const prim = primitives(alg, signKey, verifyKey);
  const header = b64u(JSON.stringify({ alg, typ: 'JWT' }));
  const payload = b64u(JSON.stringify(claims(nowS)));
  const signingInput = Buffer.from(`${header}.${payload}`);
  const signature = prim.primitiveSign(signingInput);
  const secret = alg === 'HS256';
  const signJwk = { ...signKey.export({ format: 'jwk' }), alg };
  const verifyJwk = { ...verifyKey.export({ format: 'jwk' }), alg };
  return {
    alg,
    signKey,
    verifyKey,
    signPem: secret ? signKey.export() : (signKey.export({ type: 'pkcs8', format: 'pem' }) as string),
    verifyPem: secret ? verifyKey.export() : (verifyKey.export({ type: 'spki', format: 'pem' }) as string),
    signJwk,
    verifyJwk,
    token: `${signingInput.toString()}.${b64u(signature)}`,
    signingInput,
    signingInputText: signingInput.toString('latin1'),
    signatureSegment: b64u(signature),
    signature,
    ...prim,
  };
}
