/**
 * The revocation feed for S2's guard, when FEED_CLIENT_ID and FEED_CLIENT_SECRET name a client with
 * the `revocations` capability: S2 then rejects a revoked token within a second, not at its expiry.
 */
import { createRevocationFeed, type GuardOptions } from '@signet/guard';

export async function feedFromEnv(issuer: string): Promise<Pick<GuardOptions, 'feed'> | undefined> {
  const clientId = process.env.FEED_CLIENT_ID;
  const clientSecret = process.env.FEED_CLIENT_SECRET;
  if (!clientId || !clientSecret) return undefined;
  const feed = createRevocationFeed({ issuer, clientId, clientSecret });
  await feed.ready();
  return { feed };
}
