/**
 * A throwaway PostgreSQL cluster for tests, from the Debian binaries in `/usr/lib/postgresql/<v>/bin`
 * (or `SIGNET_PG_BIN`). `initdb` and `pg_ctl` run as the `postgres` user when the tests run as root.
 * The cluster listens on a free loopback port with trust authentication, keeps its socket and data
 * in a temporary directory, and is removed by `stop()` (or, as a last resort, when the process exits).
 *
 * It throws when PostgreSQL is not installed: a missing PostgreSQL must fail CI, never skip tests.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A running throwaway cluster. */
export interface PostgresServer {
  /** URL of the database `signet` (user `postgres`, no password). */
  url: string;
  port: number;
  /** The temporary directory (data in `data/`, log in `postgres.log`, socket here). */
  dir: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server and keeps its data (`immediate` = a crash, `fast` = a clean shutdown). */
  shutdown(mode?: 'immediate' | 'fast'): Promise<void>;
  /** Starts the server again on the same port. */
  start(): Promise<void>;
  /** `shutdown(mode)` then `start()`. */
  restart(mode?: 'immediate' | 'fast'): Promise<void>;
  /** Stops the server and deletes everything (idempotent). */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /**
   * Keep fsync and full_page_writes on. Off by default (faster): a committed transaction is still
   * written to the OS before the commit returns (synchronous_commit stays on), so it survives a
   * crash of PostgreSQL (`shutdown('immediate')`, kill -9), but not a crash of the machine.
   */
  durable?: boolean;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
}

/** Finds the newest `/usr/lib/postgresql/<version>/bin` that has `pg_ctl` and `initdb`. */
export function findPostgresBin(): string {
  const fromEnv = process.env.SIGNET_PG_BIN;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!existsSync(join(fromEnv, 'pg_ctl'))) throw new Error(`SIGNET_PG_BIN=${fromEnv} has no pg_ctl`);
    return fromEnv;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter(
          (v) => existsSync(join(root, v, 'bin', 'pg_ctl')) && existsSync(join(root, v, 'bin', 'initdb')),
        )
        .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      'PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (install the Debian "postgresql" ' +
        'package, or set SIGNET_PG_BIN); the PostgreSQL tests are required and never skipped',
    );
  }
  return join(root, newest, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

interface PostgresUser {
  uid: number;
  gid: number;
}

/** As root, the cluster belongs to `postgres` (initdb refuses root); otherwise to the current user. */
function clusterOwner(): PostgresUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root but there is no "postgres" user to own the test cluster');
  }
}

function command(owner: PostgresUser | undefined, bin: string, args: string[]): [string, string[]] {
  return owner === undefined ? [bin, args] : ['runuser', ['-u', 'postgres', '--', bin, ...args]];
}

function run(
  owner: PostgresUser | undefined,
  bin: string,
  args: string[],
  timeoutMs = 60_000,
): Promise<string> {
  const [file, argv] = command(owner, bin, args);
  return new Promise((resolve, reject) => {
    execFile(file, argv, { encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${bin} ${args[0] ?? ''} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * Starts a throwaway PostgreSQL cluster with a database `signet`.
 *
 * @example
 * ```ts
 * const pgServer = await startPostgres();
 * after(() => pgServer.stop());
 * const store = await createStore(await pgServer.createDatabase());
 * ```
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const binDir = findPostgresBin();
  const owner = clusterOwner();
  const dir = mkdtempSync(join(tmpdir(), 'signet-pg-'));
  chmodSync(dir, 0o700);
  if (owner !== undefined) chownSync(dir, owner.uid, owner.gid);
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  let running = false;
  let removed = false;

  const removeSync = (): void => {
    if (removed) return;
    removed = true;
    if (running) {
      try {
        const [file, argv] = command(owner, join(binDir, 'pg_ctl'), [
          'stop',
          '-D',
          dataDir,
          '-m',
          'immediate',
        ]);
        execFileSync(file, argv, { stdio: 'ignore', timeout: 30_000 });
      } catch {
        // Best effort at exit: the directory is removed below anyway.
      }
      running = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', removeSync);
  // A test runner that times a file out sends SIGTERM, and 'exit' does not run then: remove the
  // cluster, then let the signal do what it would have done (unless someone else handles it).
  const onSignal = (signal: NodeJS.Signals): void => {
    removeSync();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    max_connections: '200',
    ...(options.durable === true ? {} : { fsync: 'off', full_page_writes: 'off' }),
    ...options.settings,
  };

  try {
    await run(owner, join(binDir, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
  } catch (error) {
    removeSync();
    throw error;
  }

  let port = 0;
  const start = async (): Promise<void> => {
    const opts = [`-p ${port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
    try {
      await run(owner, join(binDir, 'pg_ctl'), [
        'start',
        '-D',
        dataDir,
        '-w',
        '-t',
        '60',
        '-l',
        logFile,
        '-o',
        opts,
      ]);
    } catch (error) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
      throw new Error(`${(error as Error).message}\n--- postgres.log ---\n${log}`);
    }
    running = true;
  };

  // A free port can be taken by someone else between the probe and the bind: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await start();
      break;
    } catch (error) {
      if (attempt >= 3) {
        removeSync();
        throw error;
      }
    }
  }

  const shutdown = async (mode: 'immediate' | 'fast' = 'immediate'): Promise<void> => {
    if (!running) return;
    await run(owner, join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '60']);
    running = false;
  };

  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  let counter = 0;
  const urlOf = (database: string): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const createDatabase = async (name?: string): Promise<string> => {
    const database = name ?? `t${process.pid}_${++counter}`;
    if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new TypeError(`bad database name ${database}`);
    await admin((c) => c.query(`create database ${database}`));
    return urlOf(database);
  };

  try {
    await createDatabase('signet');
  } catch (error) {
    removeSync();
    throw error;
  }

  return {
    url: urlOf('signet'),
    port,
    dir,
    createDatabase,
    shutdown,
    start: async () => {
      if (!running) await start();
    },
    restart: async (mode = 'immediate') => {
      await shutdown(mode);
      await start();
    },
    stop: async () => {
      if (removed) return;
      try {
        await shutdown('immediate');
      } finally {
        process.removeListener('exit', removeSync);
        process.removeListener('SIGTERM', onSignal);
        process.removeListener('SIGINT', onSignal);
        removeSync();
      }
    },
  };
}
