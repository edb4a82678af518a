import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSignetServer, initDataDir, loadConfig } from '@signet/server';
import { clientCreateArgs } from './args.js';
import { freePort } from './e2e/process.js';
import { cli } from './helpers.js';

/** A real Auth service in this process, on loopback ports, with a fresh data directory. */
export interface TestServer {
  dir: string;
  issuer: string;
  adminUrl: string;
  /** `--admin-url URL --data DIR`: what admin commands need. */
  admin: string[];
  close(): Promise<void>;
}

/**
 * Starts `@signet/server` in-process (timers off) so that CLI commands run against the real HTTP APIs.
 *
 * @example
 * const server = await startServer();
 * await cli(['keys', 'list', ...server.admin]);
 */
export async function startServer(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'signet-cli-'));
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  await initDataDir(dir);
  const config = loadConfig({ flags: { dataDir: dir, port, adminPort: 0, issuer, logLevel: 'silent' } });
  const server = await createSignetServer(config, { timers: false });
  const { adminUrl } = await server.listen();
  return {
    dir,
    issuer,
    adminUrl,
    admin: ['--admin-url', adminUrl, '--data', dir],
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { AUDIENCE } from './args.js';

/**
 * Creates a client through the CLI and returns its id, secret and JSON.
 *
 * @example
 * const c = await createClient(server, ['--ttl', '2m']);
 */
export async function createClient(
  server: TestServer,
  extra: string[] = [],
): Promise<{ id: string; secret: string; client: Record<string, unknown> }> {
  const r = await cli(clientCreateArgs(server.admin, ['--format', 'json', ...extra]));
  if (r.code !== 0) throw new Error(`clients create failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { client: Record<string, unknown>; client_secret: string };
  return { id: out.client.client_id as string, secret: out.client_secret, client: out.client };
}

/**
 * `signet token` for a client, with the secret from SIGNET_CLIENT_SECRET.
 *
 * @example
 * const r = await token(server, c.id, c.secret, ['--scope', 'orders:read']);
 */
export function token(server: TestServer, id: string, secret: string, extra: string[] = []) {
  return cli(['token', '--issuer', server.issuer, '--client-id', id, ...extra], {
    env: { SIGNET_CLIENT_SECRET: secret },
  });
}
