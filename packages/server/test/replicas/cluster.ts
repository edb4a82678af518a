/**
 * Real `signet serve` replicas on one throwaway PostgreSQL database, for the multi-replica end-to-end
 * tests. Each replica is the CLI as a user runs it (`node --import tsx packages/cli/src/bin.ts serve`),
 * in its own process group (killed whole), with the same issuer, KEK and admin token given through
 * the environment, on its own loopback ports.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';
import { basic, freePort, type Json, request } from './util.js';

export { auditedJtis, basic, freePort, jtiOf, request, waitFor } from './util.js';

/** Repository root: replicas are spawned from there, as from a fresh clone. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const READY = /listening on (\S+) \(admin (\S+)\)/;

/** One running replica. */
export interface Replica {
  name: string;
  publicUrl: string;
  adminUrl: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** What the process wrote (stderr: CLI notes; stdout: JSON logs at `warn`). */
  output(): string;
  /** Admin API call with the shared admin token. */
  admin(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs?: number,
  ): Promise<{ status: number; headers: Headers; body: Json }>;
  /** `POST /token` (client_credentials, Basic) with a deadline. */
  token(
    id: string,
    secret: string,
    form?: Record<string, string>,
    timeoutMs?: number,
  ): Promise<{ status: number; headers: Headers; body: Json }>;
  /** SIGKILL to the whole process group; resolves when the process is gone. */
  kill(): Promise<void>;
}

export interface StartOptions {
  /** Settings written to a YAML file passed with `--config`. */
  config?: Record<string, unknown>;
  /** Another database of the same cluster (default: the cluster's). */
  database?: string;
  /** Give the database URL as `--db` (default) or as `SIGNET_DATABASE_URL`. */
  databaseVia?: 'flag' | 'env';
  timeoutMs?: number;
}

export interface Cluster {
  pg: PostgresServer;
  database: string;
  issuer: string;
  adminToken: string;
  dir: string;
  replicas: Replica[];
  /** Starts a replica (waits, bounded, for its "listening on" line). */
  start(name: string, options?: StartOptions): Promise<Replica>;
  /** Kills every replica and removes PostgreSQL and the temporary directory (idempotent). */
  close(): Promise<void>;
}

/**
 * Starts PostgreSQL and returns a cluster that spawns replicas on one of its databases.
 *
 * @example
 * const cluster = await startCluster();
 * t.after(() => cluster.close());
 * const a = await cluster.start('a');
 */
export async function startCluster(options: { issuer?: string } = {}): Promise<Cluster> {
  const pg = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'signet-replicas-'));
  let database: string;
  try {
    database = await pg.createDatabase();
  } catch (err) {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const issuer = options.issuer ?? 'http://auth.signet.test';
  const kek = randomBytes(32).toString('base64url');
  const adminToken = randomBytes(32).toString('base64url');
  const replicas: Replica[] = [];
  // Every spawned process, ready or not: a replica still starting when a test fails is killed too.
  const killers = new Set<() => Promise<void>>();
  // Last resort when the test process ends without running `close()` (a runner timeout sends SIGTERM):
  // kill every replica's process group synchronously (the PostgreSQL helper removes its cluster itself).
  const groups = new Set<number>();
  const killAllSync = () => {
    for (const pid of groups) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    killAllSync();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once('exit', killAllSync);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  const start = async (name: string, o: StartOptions = {}): Promise<Replica> => {
    const data = join(dir, name);
    const port = await freePort();
    const adminPort = await freePort();
    const args = ['--conditions=signet-source', '--import', 'tsx', 'packages/cli/src/bin.ts', 'serve'];
    args.push('--data', data, '--port', String(port), '--admin-port', String(adminPort));
    args.push('--issuer', issuer);
    const url = o.database ?? database;
    if (o.databaseVia !== 'env') args.push('--db', url);
    if (o.config !== undefined) {
      const file = join(dir, `${name}.yaml`);
      // JSON is YAML.
      writeFileSync(file, JSON.stringify(o.config));
      args.push('--config', file);
    }
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SIGNET_')) env[k] = v;
    Object.assign(env, { SIGNET_KEK: kek, SIGNET_ADMIN_TOKEN: adminToken, SIGNET_LOG_LEVEL: 'warn' });
    if (o.databaseVia === 'env') env.SIGNET_DATABASE_URL = url;
    const child = spawn(process.execPath, args, { cwd: ROOT, env, detached: true });
    let out = '';
    const keep = (d: Buffer) => {
      out += d.toString();
      if (out.length > 200_000) out = out.slice(-100_000);
    };
    child.stdout?.on('data', keep);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    const kill = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      await exited;
    };
    killers.add(kill);
    if (child.pid !== undefined) groups.add(child.pid);
    void exited.then(() => groups.delete(child.pid as number));
    const timeoutMs = o.timeoutMs ?? 45_000;
    const match = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => {
        void kill();
        reject(new Error(`replica ${name} not ready within ${timeoutMs} ms:\n${out.slice(-4000)}`));
      }, timeoutMs);
      child.stderr?.on('data', (d: Buffer) => {
        keep(d);
        const m = READY.exec(out);
        if (m !== null) {
          clearTimeout(timer);
          resolve(m);
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`replica ${name} exited with ${code} before ready:\n${out.slice(-4000)}`));
      });
    });
    const publicUrl = match[1] as string;
    const adminUrl = match[2] as string;
    const replica: Replica = {
      name,
      publicUrl,
      adminUrl,
      child,
      exited,
      output: () => out,
      admin: async (method, path, body, timeoutMs = 5000) => {
        const headers: Record<string, string> = { authorization: `Bearer ${adminToken}` };
        if (body !== undefined) headers['content-type'] = 'application/json';
        const init: RequestInit & { timeoutMs: number } = { method, headers, timeoutMs };
        if (body !== undefined) init.body = JSON.stringify(body);
        return (await request(adminUrl + path, init)) as { status: number; headers: Headers; body: Json };
      },
      token: async (id, secret, form = {}, timeoutMs = 5000) =>
        (await request(`${publicUrl}/token`, {
          method: 'POST',
          headers: {
            authorization: basic(id, secret),
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ grant_type: 'client_credentials', ...form }).toString(),
          timeoutMs,
        })) as { status: number; headers: Headers; body: Json },
      kill,
    };
    replicas.push(replica);
    return replica;
  };

  let closed = false;
  return {
    pg,
    database,
    issuer,
    adminToken,
    dir,
    replicas,
    start,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...killers].map((kill) => kill()));
      process.removeListener('exit', killAllSync);
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('SIGINT', onSignal);
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
