/**
 * What every server process spawned by the load benchmarks shares: the ready line, SIGTERM handling, and
 * optional `node:cluster` workers sharing one port (`WORKERS=n`).
 */
import cluster from 'node:cluster';
import { createServer } from 'node:net';

/** The ready line: one JSON object on stdout, starting with `{"ready":`, carrying at least `url`. */
export type ReadyInfo = Record<string, unknown> & { url: string };

/** Prints the ready line the harness waits for. */
export function ready(info: ReadyInfo): void {
  process.stdout.write(`${JSON.stringify({ ready: true, ...info })}\n`);
}

/** Exits 0 on SIGTERM/SIGINT after `close`. */
export function onStop(close: () => Promise<unknown> | unknown): void {
  const stop = () => {
    Promise.resolve()
      .then(close)
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** An integer from the environment. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? fallback : Number.parseInt(raw, 10);
}

/** A required environment variable. */
export function envString(name: string): string {
  const v = process.env[name];
  if (v === undefined || v === '') throw new Error(`${name} is required`);
  return v;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Runs `start` once, or, with `WORKERS=n` (n > 1), in n `node:cluster` workers that share the ports named
 * in `portVars` (the primary picks free ports and passes them down). Workers start one after the other, so
 * first-start work (migrations, key creation) happens once. The primary prints the first worker's ready
 * line with `workers: n` once all are up, and stops them on SIGTERM.
 *
 * @example
 * await serve(['PORT'], async () => ({ url: await app.listen({ port: envInt('PORT', 0) }) }));
 */
export async function serve(portVars: readonly string[], start: () => Promise<ReadyInfo>): Promise<void> {
  const workers = envInt('WORKERS', 1);
  if (workers > 1 && cluster.isPrimary) {
    const env: Record<string, string> = {};
    for (const name of portVars) {
      const given = envInt(name, 0);
      env[name] = String(given === 0 ? await freePort() : given);
    }
    let first: ReadyInfo | undefined;
    for (let i = 0; i < workers; i++) {
      const worker = cluster.fork({ ...env, WORKER_INDEX: String(i) });
      const info = await new Promise<ReadyInfo>((resolve, reject) => {
        worker.once('message', (m: ReadyInfo) => resolve(m));
        worker.once('exit', (code) => reject(new Error(`worker ${i} exited (${code}) before ready`)));
      });
      first ??= info;
    }
    onStop(
      () =>
        new Promise<void>((resolve) => {
          let left = Object.keys(cluster.workers ?? {}).length;
          if (left === 0) resolve();
          for (const w of Object.values(cluster.workers ?? {})) {
            w?.once('exit', () => {
              if (--left === 0) resolve();
            });
            w?.process.kill('SIGTERM');
          }
        }),
    );
    ready({ ...first!, workers });
    return;
  }
  const info = await start();
  if (cluster.isWorker) process.send?.(info);
  else ready({ ...info, workers: 1 });
}
