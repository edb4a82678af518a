/**
 * Wraps `fetch` for the guard's GET requests (discovery, JWKS) so that one network failure is retried
 * once, at once. A keep-alive connection the server has just closed fails the request that reuses it
 * before anything reaches the server; without the retry such a failure on an unknown `kid` (a key
 * rotation) would reject that token's requests for a whole JWKS cooldown.
 */
export function retryOnce(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    try {
      return await base(input, init);
    } catch (e) {
      // A timeout or an abort is not retried: it already used the request's time budget.
      if (init?.signal?.aborted === true) throw e;
      return base(input, init);
    }
  };
}
