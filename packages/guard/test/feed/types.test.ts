/** Type tests of the feed's public types (checked by `tsc -p test-tsconfig.json`). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  createGuard,
  createRevocationFeed,
  type GuardFeed,
  type RevocationFeed,
  type RevocationFeedOptions,
} from '../../src/index.js';

it('feed types reject misuse', () => {
  // @ts-expect-error the client secret is required
  const noSecret: RevocationFeedOptions = { issuer: 'https://auth.example', clientId: 'feed' };
  const badStale: RevocationFeedOptions = {
    issuer: 'https://a',
    clientId: 'f',
    clientSecret: 's',
    // @ts-expect-error maxStale is in milliseconds, a number
    maxStale: '30s',
  };
  const readOnlyCounters = (feed: RevocationFeed) => {
    // @ts-expect-error counters are read-only
    feed.counters.applied = 0;
  };
  // A RevocationFeed is what createGuard takes as `feed`.
  const asGuardFeed = (feed: RevocationFeed): GuardFeed => feed;
  assert.ok(noSecret && badStale);
  assert.equal(typeof readOnlyCounters, typeof asGuardFeed);
  assert.throws(() => createRevocationFeed(noSecret), TypeError);
  assert.equal(typeof createGuard, 'function');
});
