/**
 * Admin API tokens from the configuration, stored as SHA-256 at start-up.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { resolveAdminTokens } from '../config/secrets.js';
import type { Store } from '../store/types.js';

/**
 * Stores the SHA-256 of every configured admin token that the store does not hold yet. Safe when
 * several replicas start at once on one database.
 *
 * @example
 * await provisionAdminTokens(store, config, Math.floor(Date.now() / 1000));
 */
export async function provisionAdminTokens(store: Store, config: Config, now: number): Promise<void> {
  for (const { id, token } of resolveAdminTokens(config)) {
    const hash = createHash('sha256').update(token, 'utf8').digest('hex');
    if ((await store.findAdminCredential(hash)) === undefined) {
      try {
        await store.addAdminCredential(`${id}-${hash.slice(0, 8)}`, hash, now);
      } catch (e) {
        // Replicas starting together race between the check and the insert: the loser finds the
        // winner's row. Anything else (a different token under the same id) still fails the start.
        if ((await store.findAdminCredential(hash)) === undefined) throw e;
      }
    }
  }
}
