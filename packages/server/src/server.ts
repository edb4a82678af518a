import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildAdminApp } from './admin/app.js';
import { provisionAdminTokens } from './admin/provision.js';
import { AuditQueue } from './audit/queue.js';
import { type AuditSink, storeSink } from './audit/sink.js';
import { ClientAuthenticator } from './clients/authenticate.js';
import { ClientCache } from './clients/cache.js';
import { AssertionVerifier } from './clients/private-key-jwt.js';
import { FailureThrottle } from './clients/throttle.js';
import { initDataDir } from './config/init.js';
import type { Config } from './config/schema.js';
import { databaseUrl, resolveKeyring } from './config/secrets.js';
import type { ServerContext } from './context.js';
import { AccessTokenIssuer } from './grants/access-token.js';
import { PATHS } from './http/discovery.js';
import { createLogger } from './http/logger.js';
import { buildPublicApp } from './http/public.js';
import type { Keyring } from './keys/kek.js';
import { KeyManager } from './keys/manager.js';
import { createMetrics } from './metrics/registry.js';
import { RevocationIndex } from './revocation/index-memory.js';
import { createStore } from './store/index.js';
import type { Store } from './store/types.js';

/** How often connections that went idle are closed while shutting down, in milliseconds. */
const SHUTDOWN_SWEEP_MS = 100;

/** A running (or ready to listen) Auth service. */
export interface SignetServer {
  /** Token endpoint, discovery, JWKS, introspection, revocation, health. */
  public: FastifyInstance;
  /** Admin API, `/metrics`, health. */
  admin: FastifyInstance;
  /** Listens on the configured ports (0 = a free port) and returns both base URLs. */
  listen(): Promise<{ publicUrl: string; adminUrl: string }>;
  /** Graceful stop: `/readyz` turns 503, in-flight requests finish, audit flushed, store closed. */
  close(): Promise<void>;
  /** Runs one key rotation tick now (tests, `signet keys rotate` uses the admin API instead). */
  rotateKeysNow(): Promise<void>;
  /** Re-encrypts every private key under the first KEK (after adding a KEK). Returns how many changed. */
  rewrapKeys(): Promise<number>;
  /** The store (for tools and tests). */
  readonly store: Store;
}

/** Options of {@link createSignetServer}. */
export interface SignetServerOptions {
  /** Clock in milliseconds (injectable for tests). */
  now?: () => number;
  /** A pino logger (default: one built from `logLevel`, JSON to stdout, with redaction). */
  logger?: Logger;
  /** Skip the periodic timers (rotation tick, key reload); tests drive them with `rotateKeysNow()`. */
  timers?: boolean;
  /** `fetch` used for clients' JWKS URLs (tests). */
  fetch?: typeof fetch;
}

/**
 * SQLite: audit batches go through a second connection with `synchronous = NORMAL`, so a group
 * commit does not wait for an fsync on the event loop (better-sqlite3 is synchronous); the audit
 * log survives a process crash, and may lose its last batches on power loss. Every other write
 * (clients, keys, revocations) stays fully durable. PostgreSQL: the main store (asynchronous).
 */
async function auditSink(store: Store, url: string): Promise<AuditSink> {
  if (store.dialect !== 'sqlite' || url.includes(':memory:')) return storeSink(store);
  return storeSink(await createStore(url, { sqliteSynchronous: 'NORMAL' }), true);
}

/**
 * Builds the Auth service: opens and migrates the store, loads (or creates) the signing keys,
 * and builds the public and admin apps. It does not listen until `listen()`.
 *
 * @example
 * const server = await createSignetServer(loadConfig({ env: process.env }));
 * const { publicUrl } = await server.listen();
 * process.on('SIGTERM', () => server.close());
 */
export async function createSignetServer(
  config: Config,
  options: SignetServerOptions = {},
): Promise<SignetServer> {
  const now = options.now ?? Date.now;
  const nowSec = () => Math.floor(now() / 1000);
  const logger = options.logger ?? createLogger(config.logLevel);
  if (config.dev) await initDataDir(config.dataDir);
  const keyring: Keyring = resolveKeyring(config);

  const url = databaseUrl(config);
  const store = await createStore(url);
  try {
    await store.migrate();
    await provisionAdminTokens(store, config, nowSec());
  } catch (err) {
    await store.close();
    throw err;
  }

  const metrics = createMetrics();
  const audit = new AuditQueue(await auditSink(store, url), {
    flushIntervalMs: config.audit.flushIntervalMs,
    batchSize: config.audit.batchSize,
    onError: (err, dropped) => logger.error({ err, dropped }, 'audit flush failed'),
  });
  const keys = new KeyManager({
    store,
    keyring,
    alg: config.signing.alg,
    timing: {
      rotationPeriod: config.signing.rotationPeriod,
      publishAhead: config.signing.publishAhead,
      maxTtl: config.tokens.maxTtl,
      clockSkew: config.signing.clockSkew,
    },
    now,
    audit,
    metrics,
    holder: randomBytes(8).toString('hex'),
    leaseSeconds: config.signing.rotationCheckInterval * 2,
  });
  try {
    // Another replica starting at the same moment may hold the rotation lease and be creating the
    // first key: wait for it (bounded) instead of failing.
    for (let attempt = 0; ; attempt++) {
      await keys.tick();
      if (keys.ready() || attempt >= 50) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Decrypt the signing key now: a wrong KEK must stop the start, not fail every token request.
    keys.signer(nowSec());
  } catch (err) {
    await audit.close().catch(() => {});
    await store.close();
    throw err;
  }

  const base = config.issuer.replace(/\/+$/, '');
  const clients = new ClientCache(store, { ttlSeconds: config.clientAuth.cacheTtl, now });
  const assertions = new AssertionVerifier({
    audiences: [base + PATHS.token, config.issuer],
    maxAge: config.clientAuth.assertionMaxAge,
    clockSkew: config.signing.clockSkew,
    now,
    recordJti: (clientId, jti, exp) => store.recordAssertionJti(clientId, jti, exp),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const throttle = new FailureThrottle({
    limit: config.clientAuth.maxFailures,
    windowSeconds: config.clientAuth.window,
    now,
  });
  const authenticator = new ClientAuthenticator({ clients, assertions, throttle, audit, metrics, now });
  const tokens = new AccessTokenIssuer(config.issuer, keys, config.tokens);
  const revocations = new RevocationIndex(store, { now });
  const state = { shuttingDown: false, migrationsAtHead: true };

  const ctx: ServerContext = {
    config,
    base,
    store,
    keys,
    clients,
    assertions,
    authenticator,
    tokens,
    audit,
    metrics,
    revocations,
    logger,
    now,
    nowSec,
    state,
  };
  const publicApp = buildPublicApp(ctx);
  const adminApp = buildAdminApp(ctx);

  const timers: NodeJS.Timeout[] = [];
  const every = (seconds: number, what: string, fn: () => Promise<unknown>) => {
    const t = setInterval(() => {
      fn().catch((err: unknown) => logger.warn({ err }, `${what} failed`));
    }, seconds * 1000);
    t.unref();
    timers.push(t);
  };
  if (options.timers !== false) {
    every(config.signing.rotationCheckInterval, 'key rotation tick', () => keys.tick());
    every(config.signing.keyReloadInterval, 'key reload', () => keys.reload());
    every(3600, 'purge', () => store.purgeExpired(nowSec()));
  }

  let closing: Promise<void> | undefined;
  return {
    public: publicApp,
    admin: adminApp,
    store,
    async listen() {
      const publicUrl = await publicApp.listen({ port: config.port, host: config.host });
      const adminUrl = await adminApp.listen({ port: config.adminPort, host: config.adminHost });
      logger.info({ publicUrl, adminUrl, issuer: config.issuer }, 'signet listening');
      return { publicUrl, adminUrl };
    },
    close() {
      closing ??= (async () => {
        state.shuttingDown = true;
        for (const t of timers) clearInterval(t);
        const grace = new Promise<void>((resolve) =>
          setTimeout(resolve, config.http.shutdownGraceMs).unref(),
        );
        // A keep-alive connection that goes idle after close began (its last request answered)
        // would hold close() until its keep-alive timeout: sweep such connections as they go idle.
        const servers = [publicApp.server, adminApp.server];
        const sweep = setInterval(() => {
          for (const s of servers) s.closeIdleConnections();
        }, SHUTDOWN_SWEEP_MS);
        sweep.unref();
        try {
          await Promise.race([Promise.all([publicApp.close(), adminApp.close()]), grace]);
        } finally {
          clearInterval(sweep);
          // Past the grace, whatever is still open is cut.
          for (const s of servers) s.closeAllConnections();
        }
        await audit.close();
        await store.close();
      })();
      return closing;
    },
    async rotateKeysNow() {
      try {
        await keys.tick();
        // Decrypt the signing key now: a wrong KEK must stop the start, not fail every token request.
        keys.signer(nowSec());
      } catch (err) {
        await store.close();
        throw err;
      }
    },
    rewrapKeys: () => keys.rewrap(),
  };
}
