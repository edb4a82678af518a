/**
 * The Signet Auth service as a load-test target: `createSignetServer` on a data directory prepared by the
 * bench (`initDataDir`), SQLite by default or `SIGNET_BENCH_DB` (a PostgreSQL URL). `WORKERS=n` runs n
 * `node:cluster` workers sharing the port.
 *
 * Environment: `SIGNET_BENCH_DATA` (required), `SIGNET_BENCH_DB`, `PORT`, `ADMIN_PORT`, `ISSUER`,
 * `SIGNET_BENCH_LOG_LEVEL` (default `info`: nothing is logged per request), `SIGNET_BENCH_AUDIT_MS` (the audit
 * group-commit interval, to measure what the flushes cost).
 */
import { createSignetServer, loadConfig } from '@signet/server';
import { envInt, envString, onStop, serve } from './child.js';

await serve(['PORT', 'ADMIN_PORT'], async () => {
  const port = envInt('PORT', 0);
  const db = process.env.SIGNET_BENCH_DB;
  const config = loadConfig({
    flags: {
      dataDir: envString('SIGNET_BENCH_DATA'),
      port,
      adminPort: envInt('ADMIN_PORT', 0),
      issuer: process.env.ISSUER ?? 'http://127.0.0.1',
      logLevel: (process.env.SIGNET_BENCH_LOG_LEVEL ?? 'info') as 'info',
      ...(db ? { database: db } : {}),
      ...(process.env.SIGNET_BENCH_AUDIT_MS
        ? { audit: { flushIntervalMs: Number(process.env.SIGNET_BENCH_AUDIT_MS), batchSize: 100_000 } }
        : {}),
    },
    env: {},
  });
  const server = await createSignetServer(config);
  const { publicUrl, adminUrl } = await server.listen();
  onStop(() => server.close());
  return { url: publicUrl, adminUrl, pid: process.pid };
});
