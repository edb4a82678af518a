/**
 * Every default of `@signet/jose`, in one place. The README's option tables are tested against it.
 *
 * @example
 * ```ts
 * import { defaults } from '@signet/jose';
 * defaults.maxTokenSize; // 16384
 * ```
 */
export const defaults = Object.freeze({
  /** Maximum token length in bytes, checked before anything else. */
  maxTokenSize: 16384,
  /** Maximum nesting depth of objects and arrays in a header or payload. */
  maxJsonDepth: 20,
  /** Seconds of leeway for `exp`, `nbf` and `maxTokenAge`. */
  clockTolerance: 0,
  /** Entries of the verified-token cache when `cache: true`. */
  cacheMax: 1000,
  /** Smallest RSA modulus accepted, in bits (RFC 7518 §3.3). */
  minRsaBits: 2048,
  /** RSA modulus of generated keys, in bits. */
  rsaModulusLength: 2048,
  /** Remote key set defaults (milliseconds, bytes). */
  remoteKeySet: Object.freeze({
    timeout: 5000,
    cacheMaxAge: 600_000,
    cooldown: 30_000,
    maxStale: 3_600_000,
    maxBytes: 1024 * 1024,
  }),
});
