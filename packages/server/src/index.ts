/**
 * `@signet/server`: the Auth service (OAuth 2.0 token endpoint, signing keys with rotation, JWKS,
 * discovery, introspection, revocation, admin API, audit log, metrics). Named exports only.
 */
export { DATA_FILES, DEFAULTS } from './config/defaults.js';
export { ENV_VARS } from './config/env.js';
export { generateAdminToken, initDataDir } from './config/init.js';
export { loadConfig } from './config/load.js';
export { redactConfig } from './config/redact.js';
export { type Config, type ConfigInput, ConfigSchema, SIGNING_ALGS } from './config/schema.js';
export { databaseUrl } from './config/secrets.js';
export { ConfigError, OAuthError, type OAuthErrorCode } from './errors.js';
export { KekError, Keyring } from './keys/kek.js';
export { createLogger, REDACT_PATHS } from './http/logger.js';
export { createSignetServer, type SignetServer, type SignetServerOptions } from './server.js';
export {
  createStore,
  parseDatabaseUrl,
  StoreUnavailableError,
  isStoreUnavailable,
  type StoreOptions,
} from './store/index.js';
export type * from './store/types.js';
