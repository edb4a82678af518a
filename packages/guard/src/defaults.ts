import { asymmetricAlgorithms } from '@signet/jose';

/**
 * Every default of `@signet/guard` in one place (documented in the package README).
 * Times in the `jwks` block are milliseconds, `clockTolerance` is in seconds, as in `@signet/jose`.
 */
export const GUARD_DEFAULTS = Object.freeze({
  /** Asymmetric algorithms only: an HMAC algorithm is allowed only with a local secret key. */
  algorithms: asymmetricAlgorithms,
  clockTolerance: 5,
  realm: 'api',
  allowQueryToken: false,
  authRequired: true,
  /** RFC 9068 §2.1: access tokens are typed `at+jwt` (`application/at+jwt` is the same media type). */
  typ: 'at+jwt',
  jwks: Object.freeze({
    cacheMaxAge: 600_000,
    cooldown: 30_000,
    timeout: 5_000,
    maxStale: 3_600_000,
  }),
  /** How long a failed discovery blocks the next attempt (ms), so an outage is not hammered. */
  discoveryRetry: 5_000,
  cache: Object.freeze({ max: 1000 }),
});
