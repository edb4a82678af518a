import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair } from '@signet/jose';
import { createGuard, type FeedStatus } from '../src/index.js';

test('health() reports the worse of the keys and the revocation feed', () => {
  const { publicKey } = generateKeyPair('ES256');
  let state: FeedStatus['state'] = 'connecting';
  const guard = createGuard({
    issuer: 'https://auth.example',
    audience: 'api',
    keys: publicKey,
    feed: { check() {}, status: () => ({ state }) },
  });
  const expected: Record<FeedStatus['state'], string> = {
    connecting: 'starting',
    live: 'ok',
    stale: 'stale',
    failed: 'failing',
    disabled: 'ok',
  };
  for (const [feed, status] of Object.entries(expected)) {
    state = feed as FeedStatus['state'];
    assert.equal(guard.health().status, status, `feed ${feed}`);
    assert.equal(guard.health().feed.state, feed);
  }
});
