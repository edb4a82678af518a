import type { Logger } from 'pino';
import type { AuditQueue } from './audit/queue.js';
import type { ClientAuthenticator } from './clients/authenticate.js';
import type { ClientCache } from './clients/cache.js';
import type { AssertionVerifier } from './clients/private-key-jwt.js';
import type { Config } from './config/schema.js';
import type { AccessTokenIssuer } from './grants/access-token.js';
import type { KeyManager } from './keys/manager.js';
import type { Metrics } from './metrics/registry.js';
import type { RevocationIndex } from './revocation/index-memory.js';
import type { Store } from './store/types.js';

/** Everything the routes of one server share (built once in `server.ts`). */
export interface ServerContext {
  config: Config;
  /** Issuer without a trailing slash, the base of every endpoint URL. */
  base: string;
  store: Store;
  keys: KeyManager;
  clients: ClientCache;
  assertions: AssertionVerifier;
  authenticator: ClientAuthenticator;
  tokens: AccessTokenIssuer;
  audit: AuditQueue;
  metrics: Metrics;
  revocations: RevocationIndex;
  logger: Logger;
  /** Clock in milliseconds. */
  now: () => number;
  /** Seconds since the epoch by the injected clock. */
  nowSec: () => number;
  state: { shuttingDown: boolean; migrationsAtHead: boolean };
}
