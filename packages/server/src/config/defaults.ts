/**
 * Every default of the Auth service, in one documented module. Durations are in seconds unless the
 * name says otherwise. `docs` and `signet config print` are derived from these values.
 */

/** Default values of {@link Config} (see `schema.ts`). */
export const DEFAULTS = {
  /** Public issuer URL (`iss` of every token, base of every endpoint URL). */
  issuer: 'http://localhost:8080',
  /** Public listener (token endpoint, discovery, JWKS). */
  port: 8080,
  host: '127.0.0.1',
  /** Admin listener (admin API, metrics). Loopback by default: never open by default. */
  adminPort: 8081,
  adminHost: '127.0.0.1',
  /** Data directory: SQLite database, KEK file, admin token file. */
  dataDir: './signet-data',
  /** Development mode: creates a KEK and an admin token in the data directory when missing. */
  dev: false,
  /** Trust `X-Forwarded-For` for the client address (rate limiting). Only behind a proxy you run. */
  trustProxy: false,
  logLevel: 'info',
  signing: {
    /** Algorithm of new signing keys. ES256: 64-byte signatures, fast. */
    alg: 'ES256',
    /** How long a key signs before its successor takes over: 7 days. */
    rotationPeriod: 7 * 24 * 3600,
    /** How long a key is published before it signs: must be ≥ jwksMaxAge + keyReloadInterval. */
    publishAhead: 3600,
    /** `Cache-Control: max-age` of the JWKS. */
    jwksMaxAge: 300,
    /** How often each replica reloads keys from the store. */
    keyReloadInterval: 10,
    /** How often the rotation tick runs (under a lease, one replica at a time). */
    rotationCheckInterval: 60,
    /** Margin for verifiers' clocks added after the last token of a retired key expires. */
    clockSkew: 60,
  },
  tokens: {
    /** Access token lifetime when the client has no override: 5 minutes. */
    defaultTtl: 300,
    /** Upper bound of any client's lifetime (and of how long a retired key stays published). */
    maxTtl: 3600,
  },
  clientAuth: {
    /** Failed client authentications allowed per client_id and per address in one window. */
    maxFailures: 10,
    /** Window of the failure counter. */
    window: 60,
    /** How long a client record is cached in memory (bound on staleness across replicas). */
    cacheTtl: 5,
    /** Longest lifetime accepted for a `private_key_jwt` assertion (`exp - now`). */
    assertionMaxAge: 300,
  },
  audit: {
    /** Group commit: flush the audit queue every N milliseconds … */
    flushIntervalMs: 50,
    /** … or when this many events are waiting. */
    batchSize: 500,
  },
  http: {
    /** Body limit of the public endpoints in bytes. */
    bodyLimit: 16 * 1024,
    /** Drain time allowed at shutdown before open connections are closed, in milliseconds. */
    shutdownGraceMs: 10_000,
  },
  feed: {
    /** Revocation feed (docs/revocation-feed.md): a `: keep-alive` comment at least this often, in ms. */
    keepAliveMs: 15_000,
    /** Safety poll of the revocations table, in ms (a wake-up can be lost while PostgreSQL's LISTEN reconnects). */
    pollIntervalMs: 5_000,
    /** A stream whose socket is backpressured while it lags this many sequence numbers gets `reset`. */
    maxLag: 100_000,
  },
} as const;

/** Name of the KEK file and the admin token file inside the data directory. */
export const DATA_FILES = {
  kek: 'kek',
  adminToken: 'admin-token',
  database: 'signet.db',
} as const;
