/** Shared helpers for @signet/jose unit tests: hand-built tokens and error-code assertions. */
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { JoseError } from '@signet/jose';

/** base64url of a JSON value or a string. */
export function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');
}

/** An HS256 token over arbitrary header/payload segments, signed with `secret` (raw bytes). */
export function hs256(headerSegment: string, payloadSegment: string, secret: Buffer): string {
  const input = `${headerSegment}.${payloadSegment}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Asserts that `fn` throws a JoseError with `code` (and returns it). */
export function throwsCode(fn: () => unknown, code: string): JoseError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof JoseError, `expected a JoseError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  return caught;
}

/** Asserts that `promise` rejects with a JoseError with `code`. */
export async function rejectsCode(promise: Promise<unknown>, code: string): Promise<JoseError> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof JoseError, `expected a JoseError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  return caught;
}

/** Asserts that `fn` throws a TypeError whose message names `option`. */
export function throwsTypeError(fn: () => unknown, option: string): void {
  assert.throws(fn, (e: unknown) => e instanceof TypeError && e.message.includes(option));
}

/** A fixed clock (ms) for claims tests. */
export const NOW = 1_800_000_000_000;
export const NOW_S = NOW / 1000;

/**
 * The public JWK of a new key pair made by node:crypto. The key is encoded by the generation and
 * imported afresh: on Node 20, exporting a KeyObject straight from generateKeyPairSync as JWK can
 * deadlock when the export triggers the collection of its generation job (see
 * `jwk/generate_gc.test.ts`).
 */
export function nodePublicJwk(
  type: 'rsa' | 'ec' | 'ed25519' | 'ed448',
  options: { modulusLength?: number; namedCurve?: string } = {},
): Record<string, unknown> {
  const encoding = {
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  } as const;
  const der = (generateKeyPairSync as (t: string, o: object) => { publicKey: Buffer })(type, {
    ...options,
    ...encoding,
  }).publicKey;
  return createPublicKey({ key: der, format: 'der', type: 'spki' }).export({ format: 'jwk' }) as Record<
    string,
    unknown
  >;
}
